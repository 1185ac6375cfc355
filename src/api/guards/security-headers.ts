import type { MiddlewareHandler } from 'hono';

/**
 * Headers every answer carries. An API answer is data, never a document: it may not be sniffed
 * into HTML, framed, or load anything. A page that needs more (Swagger UI, the dashboard) sets
 * its own Content-Security-Policy, which is kept.
 */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

const HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['x-content-type-options', 'nosniff'],
  ['content-security-policy', DATA_CSP],
  ['referrer-policy', 'no-referrer'],
  // Another origin's page may not embed an answer (<script src>, <img>) to read it by side channel.
  ['cross-origin-resource-policy', 'same-origin'],
];

/** Sets the headers above on every response that does not set its own. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of HEADERS) if (!headers.has(name)) headers.set(name, value);
  };
}
