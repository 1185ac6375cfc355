import type { Context } from 'hono';
import { BosunError } from '../errors.ts';
import { problemResponse, toProblem } from './problem.ts';
import type { PathMethods } from './guards/path-methods.ts';

/**
 * What answers a request no route took (or a route passed on with c.notFound()): 404 for an
 * unknown path or a method the path has; for another method of a known path, 405 with the `Allow`
 * header listing the methods it has (RFC 9110), and OPTIONS answered with that list.
 */
export function notFoundOrNotAllowed(paths: PathMethods) {
  return (c: Context): Response => {
    const allowed = paths.allowed(c.req.path);
    // The method exists and its route found nothing (`/ui/{file}` of a file not served): 404.
    if (allowed === undefined || (allowed.includes(c.req.method) && c.req.method !== 'OPTIONS')) {
      return problemResponse(c, toProblem(new BosunError('not-found', `no route ${c.req.method} ${c.req.path}`), c.req.path));
    }
    const allow = allowed.join(', ');
    if (c.req.method === 'OPTIONS') return c.body(null, 204, { allow });
    const error = new BosunError('method-not-allowed', `${c.req.path} has no method ${c.req.method.slice(0, 20)}; it has ${allow}`, { field: 'method', details: { allow: allowed } });
    return problemResponse(c, toProblem(error, c.req.path), { allow });
  };
}
