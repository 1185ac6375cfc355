import type { MiddlewareHandler } from 'hono';
import { BosunError } from '../../errors.ts';

/**
 * Every body bosun reads is JSON, and saying so is what a browser cannot do from another origin
 * without a CORS preflight (a `text/plain`, form or multipart body goes without one). A body of
 * any other type is refused before a route sees it, not parsed as JSON anyway.
 */

const BODILESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a Content-Type value is JSON: `application/json` or `application/<x>+json`, UTF-8 if a charset is named. */
export function isJsonContentType(value: string): boolean {
  const [essence = '', ...parameters] = value.split(';').map((part) => part.trim().toLowerCase());
  if (essence !== 'application/json' && !/^application\/[a-z0-9!#$&^_.-]+\+json$/.test(essence)) return false;
  return parameters.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

/**
 * Why a request's body must be refused with 415, or undefined when it may be read. Over a socket
 * a body comes with Content-Length or Transfer-Encoding; with neither there is none, but a
 * Request built in process (app.request) may carry one all the same, so a non-JSON type is
 * refused then too.
 */
export function contentTypeRefusal(request: { method: string; contentType?: string | undefined; contentLength?: string | undefined; chunked: boolean }): string | undefined {
  if (BODILESS_METHODS.has(request.method.toUpperCase())) return undefined;
  const length = request.contentLength?.trim();
  // An empty body is no body: `curl -X POST` of a route that reads none keeps working, whatever it declares.
  if (length === '0' && !request.chunked) return undefined;
  const hasBody = request.chunked || length !== undefined;
  if (request.contentType === undefined) return hasBody ? 'a request body needs Content-Type: application/json' : undefined;
  if (isJsonContentType(request.contentType)) return undefined;
  return `Content-Type '${request.contentType.slice(0, 100)}' is not accepted: send the body as application/json (UTF-8)`;
}

/** Answers 415 to a request whose body is not declared as JSON. */
export function jsonContentType(): MiddlewareHandler {
  return async (c, next) => {
    if (BODILESS_METHODS.has(c.req.method)) return next();
    const refusal = contentTypeRefusal({
      method: c.req.method,
      contentType: c.req.header('content-type'),
      contentLength: c.req.header('content-length'),
      chunked: c.req.header('transfer-encoding') !== undefined,
    });
    if (refusal !== undefined) throw new BosunError('unsupported-media-type', refusal, { field: 'Content-Type' });
    await next();
  };
}
