import type { Context } from 'hono';
import type { Identity } from '../auth/tokens.ts';

/** What middleware leaves on the context for route handlers. */
export type ApiEnv = {
  Variables: {
    identity: Identity;
    /** Query and path parameters, validated against openapi.yaml and typed by it (coerced). */
    params: Record<string, unknown>;
    /** The JSON body, validated against openapi.yaml; undefined when the operation has none or none was sent. */
    body: unknown;
  };
};

export type ApiContext = Context<ApiEnv>;

/** The validated parameters of this request, typed as the route knows them to be. */
export function params<T>(c: ApiContext): T {
  return c.get('params') as T;
}

/** The validated body of this request. */
export function body<T>(c: ApiContext): T {
  return c.get('body') as T;
}

/** The owner filter for the caller: undefined for an admin (sees all), else their user name. */
export function ownerScope(identity: Identity): string | undefined {
  return identity.admin ? undefined : (identity.user ?? undefined);
}
