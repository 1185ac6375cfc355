import type { MiddlewareHandler } from 'hono';
import { ValidationError } from '../../errors.ts';
import { textFault } from './text-faults.ts';

/**
 * A path or query bosun cannot read as text is the caller's 400, before routing: a malformed
 * percent-encoding (`%zz`, `%E0%A4%A`, which a router would pass on undecoded), or a decoded
 * NUL (`/jobs/a%00b`) that PostgreSQL would refuse with a 500. The field is named: the query
 * parameter, or the path parameter a segment fills.
 */

/** The first fault of a raw path and query, as the field at fault and why; undefined when both read as text. */
export function urlFault(rawPath: string, rawQuery: string, parameterAt: (index: number) => string | undefined): { field: string; reason: string } | undefined {
  const segments = rawPath.split('/');
  for (let i = 0; i < segments.length; i++) {
    const decoded = decode(segments[i]!, false);
    const fault = decoded === undefined ? 'has a malformed percent-encoding' : textFault(decoded);
    if (fault) return { field: parameterAt(i) ?? 'path', reason: fault };
  }
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const name = decode(at < 0 ? pair : pair.slice(0, at), true);
    if (name === undefined || textFault(name)) return { field: 'query', reason: 'has a parameter name that is not valid text' };
    const value = decode(at < 0 ? '' : pair.slice(at + 1), true);
    if (value === undefined) return { field: name, reason: 'has a malformed percent-encoding' };
    const fault = textFault(value);
    if (fault) return { field: name, reason: fault };
  }
  return undefined;
}

function decode(text: string, form: boolean): string | undefined {
  try {
    return decodeURIComponent(form ? text.replace(/\+/g, ' ') : text);
  } catch {
    return undefined;
  }
}

/** Answers 400 for a path or query that does not decode to storable text. */
export function wellFormedUrl(parameterAt: (path: string, index: number) => string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const url = c.req.url;
    // A NUL or a surrogate can only come percent-encoded: the HTTP parser refuses them raw.
    if (!url.includes('%')) return next();
    const start = url.indexOf('/', url.indexOf('//') + 2);
    const hash = url.indexOf('#');
    const end = hash < 0 ? url.length : hash;
    const query = url.indexOf('?', start);
    const rawPath = start < 0 ? '/' : url.slice(start, query < 0 || query > end ? end : query);
    const rawQuery = query < 0 || query > end ? '' : url.slice(query + 1, end);
    const fault = urlFault(rawPath, rawQuery, (index) => parameterAt(rawPath, index));
    if (fault) {
      const label = fault.field === 'path' || fault.field === 'query' ? `the ${fault.field}` : `'${fault.field}'`;
      throw new ValidationError(`${label} ${fault.reason}`, { field: fault.field });
    }
    await next();
  };
}
