import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { BosunError } from '../errors.ts';
import type { Logger } from '../log.ts';

/** Base of every problem `type` URI; `<base><code>` names one error code for good. */
export const PROBLEM_BASE = 'https://bosun.dev/problems/';

/** An RFC 9457 problem document, plus `field` and the seed clients' `error` member. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  field?: string;
  /** The message again: clients of the seed service read `error`. */
  error: string;
  [extension: string]: unknown;
}

const TITLES: Record<string, string> = {
  'invalid-request': 'Invalid request',
  'invalid-schedule': 'Invalid schedule',
  'invalid-kwargs': 'Invalid handler arguments',
  'invalid-job-file': 'Invalid job file',
  'unknown-handler': 'Unknown handler',
  'not-found': 'Not found',
  conflict: 'Conflict',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  'payload-too-large': 'Payload too large',
  'method-not-allowed': 'Method not allowed',
  'unsupported-media-type': 'Unsupported media type',
  'misdirected-request': 'Misdirected request',
  unavailable: 'Service unavailable',
  'invalid-flow': 'Invalid flow',
  internal: 'Internal server error',
};

/** Builds the problem document for any thrown value; unknown errors become an opaque 500. */
export function toProblem(err: unknown, instance?: string): Problem {
  if (err instanceof BosunError) {
    const status = err.status;
    return {
      ...err.details,
      type: PROBLEM_BASE + err.code,
      title: TITLES[err.code] ?? err.code,
      status,
      detail: err.message,
      ...(instance ? { instance } : {}),
      ...(err.field ? { field: err.field } : {}),
      error: err.message,
    };
  }
  if (err instanceof HTTPException) {
    const code = err.status === 413 ? 'payload-too-large' : err.status === 404 ? 'not-found' : 'invalid-request';
    const detail = err.message || TITLES[code] || 'Request refused';
    return { type: PROBLEM_BASE + code, title: TITLES[code] ?? code, status: err.status, detail, ...(instance ? { instance } : {}), error: detail };
  }
  const detail = 'An unexpected error occurred; it has been logged.';
  return { type: PROBLEM_BASE + 'internal', title: TITLES.internal!, status: 500, detail, ...(instance ? { instance } : {}), error: detail };
}

/** Answers a problem document with its status and the problem+json media type (plus `headers`, such as `Allow`). */
export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { ...headers, 'content-type': 'application/problem+json' },
  });
}

/** Hono `onError`: the one place errors turn into HTTP answers. */
export function onError(logger: Logger) {
  return (err: Error, c: Context): Response => {
    const problem = toProblem(err, c.req.path);
    if (problem.status >= 500) logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
    // A 405 says what the path does have (RFC 9110).
    const allow = err instanceof BosunError && err.code === 'method-not-allowed' && Array.isArray(err.details.allow) ? { allow: err.details.allow.join(', ') } : undefined;
    return problemResponse(c, problem, allow);
  };
}
