import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../api/api-env.ts';
import { presentedToken, type AuthPolicy } from './auth-policy.ts';
import { runAs } from './request-identity.ts';

// What anyone may read without a token: health probes (load balancers), the spec and Swagger UI
// (people finding their way), and the dashboard's pages and assets, which carry no data (the
// pages ask the API for it with the token kept in the browser). Only reads: any other method, and
// every path not listed here, needs what the policy asks for, so a route added later is closed.
const PUBLIC_READS = /^(?:\/|\/api\/v1\/(?:liveness|readiness|openapi\.(?:json|yaml)|ui(?:\/[^/]*)?)|\/dashboard(?:\/.*)?)$/;

/** Whether a request may be served without asking who sends it. */
export function isPublic(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && PUBLIC_READS.test(path);
}

/**
 * Hono middleware for the whole app: sets the caller's identity from `Authorization: Bearer` or
 * `auth_token` (401 when the policy needs one and it is missing, unknown or revoked), and runs
 * the rest of the request as that identity (src/auth/request-identity.ts). Public reads pass.
 */
export function authenticate(policy: AuthPolicy): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (isPublic(c.req.method, c.req.path)) return next();
    const identity = await policy.identify(presentedToken(c.req.header('authorization'), c.req.header('auth_token')));
    c.set('identity', identity);
    await runAs(identity, next);
  };
}
