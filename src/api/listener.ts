// The API's socket, bound before anything else starts: a taken PORT or a HOST that cannot be
// listened on fails at once, naming the setting, instead of after initdb, migrations, the YAML sync
// and the workers. Until the app is handed over, requests are answered 503 (liveness 200: the
// process is alive, only not ready), never left hanging.
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError } from '../errors.ts';
import { PROBLEM_BASE } from './problem.ts';

type Fetch = (request: Request) => Response | Promise<Response>;

/** A bound API socket, serving once `serve` is given the app. */
export interface ApiListener {
  /** `http://host:port` with the port actually bound (PORT=0 picks one). */
  url: string;
  /** The port actually bound. */
  port: number;
  serve(fetch: Fetch): void;
  close(): Promise<void>;
}

const LIVENESS = '/api/v1/liveness';

function starting(request: Request): Response {
  if (new URL(request.url).pathname === LIVENESS && (request.method === 'GET' || request.method === 'HEAD')) {
    return Response.json({});
  }
  const detail = 'bosun is starting; try again in a moment';
  const problem = { type: `${PROBLEM_BASE}unavailable`, title: 'Service unavailable', status: 503, detail, error: detail };
  return new Response(JSON.stringify(problem), {
    status: 503,
    headers: { 'content-type': 'application/problem+json', 'retry-after': '1', 'x-content-type-options': 'nosniff' },
  });
}

/** Binds `host:port`; throws ConfigError naming PORT or HOST when that is impossible. */
export async function bindApi(host: string, port: number): Promise<ApiListener> {
  let current: Fetch = starting;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: (request) => current(request), hostname: host, port }, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => reject(bindError(err, host, port)));
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    serve(fetch) {
      current = fetch;
    },
    close() {
      closing ??= closeServer(server);
      return closing;
    },
  };
}

function bindError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new ConfigError('PORT', `port ${port} on ${host} is already in use (another bosun?); set PORT to a free port, or PORT=0 for any`);
    case 'EACCES':
      return new ConfigError('PORT', `not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges)`);
    case 'EADDRNOTAVAIL':
      return new ConfigError('HOST', `'${host}' is not an address of this machine, so bosun cannot listen on it (127.0.0.1 for this machine only, 0.0.0.0 for every interface)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new ConfigError('HOST', `'${host}' does not resolve to an address to listen on`);
    default:
      return new ConfigError('HOST', `cannot listen on ${host}:${port}: ${err.message}`);
  }
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}
