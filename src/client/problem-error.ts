import type { components } from './openapi-types.ts';

/** bosun's error document (RFC 9457 problem+json), as the spec declares it. */
export type Problem = components['schemas']['Problem'];

/**
 * The service answered with an error status. `problem` is its problem document; a body that is
 * not one (a proxy's HTML page, an empty body) becomes a problem with that status and a short detail.
 */
export class BosunApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem, options?: { cause?: unknown }) {
    super(problem.detail || problem.title || `HTTP ${status}`, options);
    this.name = 'BosunApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** A problem document from whatever an error response carried. */
export function problemFrom(status: number, body: unknown, statusText = ''): Problem {
  if (isProblem(body)) return body;
  const detail = typeof body === 'string' && body.trim() ? body.trim().slice(0, 200) : statusText || `HTTP ${status}`;
  return { type: 'about:blank', title: statusText || `HTTP ${status}`, status, detail, error: detail };
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { type, title, status } = body as Record<string, unknown>;
  return typeof type === 'string' && typeof title === 'string' && typeof status === 'number';
}
