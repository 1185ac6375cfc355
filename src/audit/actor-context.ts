import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../api/api-env.ts';

const current = new AsyncLocalStorage<string>();

/** The actor of the request being served, if any. */
export function currentActor(): string | undefined {
  return current.getStore();
}

/** Runs `fn` with `actor` as the current actor (for callers outside HTTP: CLI, tests). */
export function withActor<T>(actor: string, fn: () => T): T {
  return current.run(actor, fn);
}

/** The actor a request's identity stands for: the token's user, else `anonymous` (auth off on loopback). */
export function actorOf(identity: { user: string | null } | undefined): string {
  return identity?.user ?? 'anonymous';
}

/** Hono middleware, after authentication: what the request does through audited commands is recorded as its user. */
export function actorMiddleware(): MiddlewareHandler<ApiEnv> {
  return (c, next) => current.run(actorOf(c.get('identity') as { user: string | null } | undefined), () => next());
}
