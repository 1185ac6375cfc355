import type { MiddlewareHandler } from 'hono';
import { BosunError } from '../../errors.ts';

/**
 * Cross-site request forgery defence: a page of another origin can make the browser send a
 * request bosun would act on (a `no-cors` POST needs no preflight). Browsers say where a request
 * comes from in `Sec-Fetch-Site` and `Origin`, which a page cannot set; scripts and curl send
 * neither and pass, since they hold no one else's credentials or network position.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Whether a request changes nothing: a read, or a CORS preflight (an OPTIONS asking with
 * `Access-Control-Request-Method`). Any other OPTIONS may change state: NDScheduler's resumes a job.
 */
export function isSafeRequest(method: string, preflight: boolean): boolean {
  const m = method.toUpperCase();
  return SAFE_METHODS.has(m) || (m === 'OPTIONS' && preflight);
}
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `scheme://host[:port]` in its canonical form (lower case, default port dropped); undefined when not an http(s) origin. */
export function canonicalOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.origin;
}

/** The host and port an origin names, the default port of its scheme filled in. */
function authority(origin: URL): string {
  return `${origin.hostname}:${origin.port || DEFAULT_PORTS[origin.protocol]}`;
}

/** The host and port a Host header names for `scheme`; undefined when it is not a host. */
function ownAuthority(scheme: string, host: string): string | undefined {
  try {
    return authority(new URL(`${scheme}//${host}`));
  } catch {
    return undefined;
  }
}

/**
 * Why a request must be refused, or undefined when it may pass. Its own origin is the one whose
 * host and port are the request's Host (either scheme: behind a TLS proxy the browser's origin is
 * https while bosun sees http).
 */
export function crossOriginRefusal(
  request: { method: string; host: string; origin?: string | undefined; fetchSite?: string | undefined; preflight?: boolean | undefined },
  allowedOrigins: ReadonlySet<string>,
): string | undefined {
  if (isSafeRequest(request.method, request.preflight === true)) return undefined;
  const origin = request.origin?.trim();
  const canonical = origin === undefined ? undefined : canonicalOrigin(origin);
  if (canonical !== undefined && allowedOrigins.has(canonical)) return undefined;
  const site = request.fetchSite?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return `a ${site} request from ${origin ?? 'another site'} may not change anything`;
  if (origin === undefined) return undefined;
  if (canonical === undefined) return `a request from origin '${origin.slice(0, 100)}' may not change anything`;
  const from = authority(new URL(canonical));
  if (['http:', 'https:'].some((scheme) => from === ownAuthority(scheme, request.host))) return undefined;
  return `a request from origin ${canonical} may not change anything here`;
}

/** Answers 403 to a state-changing request a browser sends from another origin, unless that origin is listed. */
export function sameOriginWrites(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedOrigins.map((o) => canonicalOrigin(o)).filter((o): o is string => o !== undefined));
  return async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const preflight = c.req.header('access-control-request-method') !== undefined;
    const refusal = crossOriginRefusal({ method: c.req.method, host, origin: c.req.header('origin'), fetchSite: c.req.header('sec-fetch-site'), preflight }, allowed);
    if (refusal !== undefined) {
      const field = c.req.header('origin') === undefined ? 'Sec-Fetch-Site' : 'Origin';
      throw new BosunError('forbidden', `${refusal} (BOSUN_ALLOWED_ORIGINS lists the origins allowed)`, { field });
    }
    await next();
  };
}
