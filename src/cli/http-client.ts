// The CLI's one way to talk to a running service: JSON over HTTP to /api/v1, with the
// token as a Bearer header. Every failure becomes an ApiError (the service answered
// an error) or an UnreachableError (it did not answer at all), so commands can turn
// them into one readable line and an exit code in one place (src/cli/group.ts).
import { serviceUrlFromEnv } from '../service-url.ts';

/** The problem+json members the CLI reads (RFC 9457 plus bosun's `field` and the seed's `error`). */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  field?: string;
  error?: string;
  [extension: string]: unknown;
}

/** The service answered with an error status; `problem` is its problem document (or what it sent). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemBody;
  constructor(status: number, problem: ProblemBody, method: string, path: string) {
    super(problem.detail ?? problem.error ?? problem.title ?? `${method} ${path} answered HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** No answer: connection refused, DNS failure, timeout, or something that is not bosun. */
export class UnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreachableError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ClientOptions {
  /** Base URL of the service, without /api/v1 (a trailing /api/v1 is accepted too). */
  url: string;
  token?: string | undefined;
  /** Per-request timeout; a service that does not answer in time counts as unreachable. */
  timeoutMs?: number;
}

/** A small typed client over fetch; `request` resolves with the parsed JSON body (undefined for 204). */
export interface HttpClient {
  readonly baseUrl: string;
  request<T = unknown>(method: string, path: string, options?: { query?: Query; body?: unknown }): Promise<T>;
}

/** Reads --url/--token, then BOSUN_URL/BOSUN_TOKEN, then HOST and PORT as the service reads them. */
export function clientOptionsFrom(flags: { url?: string | undefined; token?: string | undefined }, env: NodeJS.ProcessEnv): ClientOptions {
  return {
    url: flags.url ?? (env.BOSUN_URL || serviceUrlFromEnv(env)),
    token: flags.token ?? (env.BOSUN_TOKEN || undefined),
  };
}

/** Builds the client; throws UnreachableError for a URL that cannot be one. */
export function createHttpClient(options: ClientOptions): HttpClient {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch (cause) {
    throw new UnreachableError(`BOSUN_URL '${options.url}' is not a URL`, { cause });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UnreachableError(`BOSUN_URL '${options.url}' is not an http(s) URL`);
  const root = base.href.replace(/\/+$/, '').replace(/\/api\/v1$/, '') + '/api/v1';
  const timeoutMs = options.timeoutMs ?? 30_000;

  return {
    baseUrl: root,
    async request<T>(method: string, path: string, { query, body }: { query?: Query; body?: unknown } = {}): Promise<T> {
      const url = new URL(root + path);
      for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        throw new UnreachableError(`cannot reach the bosun service at ${root} (${describeFetchFailure(cause)}); is it running? Set BOSUN_URL or --url`, { cause });
      }
      const text = await response.text();
      const parsed = parseJson(text);
      if (!response.ok) {
        const problem: ProblemBody =
          parsed !== undefined && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
            ? (parsed as ProblemBody)
            : { status: response.status, detail: text.trim().slice(0, 200) || `${method} ${url.pathname} answered HTTP ${response.status}` };
        throw new ApiError(response.status, problem, method, url.pathname);
      }
      if (text.length > 0 && parsed === undefined) {
        throw new UnreachableError(`${root} answered ${method} ${url.pathname} with something that is not JSON; is BOSUN_URL a bosun service?`);
      }
      return parsed as T;
    },
  };
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The useful part of fetch's "fetch failed": ECONNREFUSED, ENOTFOUND, a timeout. */
function describeFetchFailure(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
