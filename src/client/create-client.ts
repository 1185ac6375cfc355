// The typed client: openapi-fetch over the types generated from openapi.yaml, so every path,
// parameter, body and answer is checked against the spec at compile time. It depends on nothing
// of the service; users import it as `bosun/client`.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './openapi-types.ts';
import { BosunApiError, problemFrom } from './problem-error.ts';

// Media left open: errors come as application/problem+json, successes as application/json.
export type BosunClient = Client<paths>;

export interface BosunClientOptions {
  /** The service's root URL (`http://127.0.0.1:34000`); a trailing `/api/v1` is accepted too. */
  url: string;
  /** A bosun token, sent as `Authorization: Bearer …`; not needed on loopback while auth is off. */
  token?: string | undefined;
  /** A fetch of your own (a proxy agent, a test double); the global fetch by default. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/**
 * A client for bosun's HTTP API. Each call answers `{ data, error, response }` as openapi-fetch
 * does; `unwrap()` turns that into the data or a thrown BosunApiError.
 *
 *   const bosun = createBosunClient({ url: 'http://127.0.0.1:34000', token });
 *   const job = unwrap(await bosun.GET('/jobs/{job_id}', { params: { path: { job_id: 'nightly' } } }));
 */
export function createBosunClient(options: BosunClientOptions): BosunClient {
  const base = new URL(options.url); // throws a TypeError naming the input for a non-URL
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`bosun URL '${options.url}' is not an http(s) URL`);
  const baseUrl = base.href.replace(/\/+$/, '').replace(/\/api\/v1$/, '') + '/api/v1';
  const client = createClient<paths>({
    baseUrl,
    headers: { accept: 'application/json, application/problem+json', ...options.headers },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (options.token) client.use(bearer(options.token));
  return client;
}

function bearer(token: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
}

/** The data of a successful answer; a BosunApiError carrying the problem document otherwise. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { response } = result;
  if (!response.ok) throw new BosunApiError(response.status, problemFrom(response.status, result.error, response.statusText));
  return result.data as T;
}
