// `http`: calls a URL and checks the status. The response body (capped) is the run's result,
// so a health ping or a webhook leaves a readable trace. Every connection, redirects included,
// goes through the target guard (BOSUN_HTTP_ALLOW / BOSUN_HTTP_DENY, metadata refused).
import { fetch, Headers, type Agent, type Response } from 'undici';
import { loadConfig } from '../src/config.ts';
import { BaseHandler, type HandlerContext, type JsonSchema } from '../src/handlers/base-handler.ts';
import { guardedAgent, httpTargetPolicy, HttpTargetRefusedError } from '../src/handlers/http-target-guard.ts';
import { parseDuration } from '../src/schedule/index.ts';

export { HttpTargetRefusedError };

export interface HttpKwargs {
  url: string;
  method: string;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  expected_status?: number | number[];
  timeout: string | number;
  max_body_chars: number;
}

export interface HttpResult {
  status: number;
  /** Parsed JSON when the response says so and fits; else text, cut at `max_body_chars`. */
  body: unknown;
  truncated: boolean;
}

/** The server answered with a status the job did not expect. */
export class HttpStatusError extends Error {
  readonly status: number;
  readonly body: string;

  constructor(url: string, status: number, expected: string, body: string) {
    super(`${url} answered ${status}, expected ${expected}${body.trim() === '' ? '' : `; body: ${body.slice(0, 500)}`}`);
    this.name = 'HttpStatusError';
    this.status = status;
    this.body = body;
  }
}

/** No answer in time, or none at all (refused, DNS, reset). */
export class HttpRequestError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'HttpRequestError';
  }
}

/** One dispatcher per policy: connections are pooled, and a changed policy gets fresh ones. */
const agents = new Map<string, Agent>();

function agentFor(allow: readonly string[], deny: readonly string[]): Agent {
  const key = JSON.stringify([allow, deny]);
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = guardedAgent(httpTargetPolicy(allow, deny));
    agents.set(key, agent);
  }
  return agent;
}

async function readCapped(response: Response, maxChars: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), truncated: false };
    text += decoder.decode(value, { stream: true });
    if (text.length > maxChars) {
      // The rest is never downloaded: a huge body costs one chunk, not the whole transfer.
      await reader.cancel().catch(() => {});
      return { text: text.slice(0, maxChars), truncated: true };
    }
  }
}

export class Http extends BaseHandler<HttpKwargs, HttpResult> {
  static override name = 'http';
  // Sends requests from where bosun sits on the network: creating or changing its jobs is a permission.
  static override powerful = true;
  static override description =
    'Calls a URL (method, headers, JSON or text body, timeout) and fails the run unless the status is the one expected (any 2xx by default). ' +
    'The status and the body (capped) are the result. ' +
    'Link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) are refused, redirects included, and the operator may restrict targets (BOSUN_HTTP_ALLOW, BOSUN_HTTP_DENY).';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^https?://', description: 'http:// or https:// URL.', examples: ['http://127.0.0.1:34000/api/v1/liveness'] },
      method: { type: 'string', enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], default: 'GET' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      json: { description: 'Sent as the JSON body (sets content-type: application/json).' },
      body: { type: 'string', description: 'Sent as the body as is; use `json` for JSON.' },
      expected_status: {
        description: 'Status code, or list of them, that means success; any 2xx when absent.',
        anyOf: [
          { type: 'integer', minimum: 100, maximum: 599 },
          { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, minItems: 1 },
        ],
      },
      timeout: { type: ['string', 'number'], default: '30s', description: 'Give up after this long ("10s", seconds as a number).' },
      max_body_chars: { type: 'integer', minimum: 0, maximum: 1048576, default: 16384, description: 'Characters of the response body kept.' },
    },
    not: { required: ['json', 'body'] },
  };

  override async execute(kwargs: HttpKwargs, context: HandlerContext): Promise<HttpResult> {
    const timeoutMs = parseDuration(kwargs.timeout, 'kwargs.timeout');
    const config = loadConfig(process.env);
    const dispatcher = agentFor(config.httpAllow, config.httpDeny);
    const headers = new Headers(kwargs.headers);
    let body: string | undefined = kwargs.body;
    if (kwargs.json !== undefined) {
      body = JSON.stringify(kwargs.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout]);
    const started = Date.now();
    let response: Response;
    let text: { text: string; truncated: boolean };
    try {
      response = await fetch(kwargs.url, { method: kwargs.method, headers, body, signal, redirect: 'follow', dispatcher });
      text = await readCapped(response, kwargs.max_body_chars);
    } catch (err) {
      if (context.signal.aborted) throw context.signal.reason ?? err;
      if (timeout.aborted) throw new HttpRequestError(`${kwargs.method} ${kwargs.url}: no answer within ${timeoutMs} ms`, err);
      const reason = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      if (reason instanceof HttpTargetRefusedError) throw reason;
      throw new HttpRequestError(`${kwargs.method} ${kwargs.url} failed: ${reason?.code ?? reason?.message ?? (err as Error).message}`, err);
    }
    context.log.info(`${kwargs.method} ${kwargs.url} → ${response.status}`, { status: response.status, elapsed_ms: Date.now() - started });

    const expected = kwargs.expected_status === undefined ? undefined : [kwargs.expected_status].flat();
    const ok = expected === undefined ? response.status >= 200 && response.status < 300 : expected.includes(response.status);
    if (!ok) throw new HttpStatusError(kwargs.url, response.status, expected === undefined ? 'a 2xx' : expected.join(' or '), text.text);

    let parsed: unknown = text.text;
    if (!text.truncated && /\bjson\b/i.test(response.headers.get('content-type') ?? '') && text.text !== '') {
      try {
        parsed = JSON.parse(text.text);
      } catch {
        // Said JSON, is not: keep the text, which is what a person debugging wants to see.
      }
    }
    return { status: response.status, body: parsed, truncated: text.truncated };
  }
}
