import type { Context } from 'hono';
import { BosunError } from '../errors.ts';
import { problemResponse, toProblem } from './problem.ts';
import type { PathMethods } from './guards/path-methods.ts';

/**
 * What answers a request no route took: 404 for an unknown path; for a known path, 405 with the
 * `Allow` header listing the methods it has (RFC 9110), and OPTIONS answered with that list.
 */
export function notFoundOrNotAllowed(paths: PathMethods) {
  return (c: Context): Response => {
    const allowed = paths.allowed(c.req.path);
    if (allowed === undefined) {
      return problemResponse(c, toProblem(new BosunError('not-found', `no route ${c.req.method} ${c.req.path}`), c.req.path));
    }
    const allow = allowed.join(', ');
    if (c.req.method === 'OPTIONS') return c.body(null, 204, { allow });
    const error = new BosunError('method-not-allowed', `${c.req.path} has no method ${c.req.method.slice(0, 20)}; it has ${allow}`, { field: 'method', details: { allow: allowed } });
    return problemResponse(c, toProblem(error, c.req.path), { allow });
  };
}
