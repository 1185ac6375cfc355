import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BosunError } from '../errors.ts';

/**
 * hono's bodyLimit, answered from the headers where they settle it. hono's reads
 * `c.req.raw.body` first, which makes @hono/node-server build a full undici Request (stream,
 * AbortController) for every request, GETs included, and loses its fast body read; a GET or
 * HEAD has no body there, and a declared Content-Length is checked as hono checks it. Chunked
 * and length-less bodies still go through hono's, which counts the bytes.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new BosunError('payload-too-large', `request body is larger than ${maxSize} bytes (BOSUN_BODY_LIMIT)`, { field: 'body' });
  };
  const counted = bodyLimit({ maxSize, onError: tooLarge });
  return (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length !== null && !headers.has('transfer-encoding')) return Number.parseInt(length, 10) > maxSize ? tooLarge() : next();
    return counted(c, next);
  };
}
