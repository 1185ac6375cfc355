import { BosunError } from '../errors.ts';
import type { Identity } from './tokens.ts';

/** What the permission needs of a handler class: its name and whether it declares itself powerful. */
export interface HandlerTraits {
  name: string;
  powerful?: boolean;
}

/** Whether `identity` may create or change jobs of `handler`: any handler not powerful; a powerful one as admin or when granted. */
export function mayUseHandler(identity: Identity, handler: HandlerTraits): boolean {
  return handler.powerful !== true || identity.admin || identity.handlers.includes(handler.name);
}

/**
 * The one check of the powerful-handler permission: throws 403 problem+json naming the first
 * handler of `handlers` that `identity` may not use (field `handler`, member `handler`).
 */
export function assertMayUseHandlers(identity: Identity, handlers: readonly HandlerTraits[]): void {
  for (const handler of handlers) {
    if (mayUseHandler(identity, handler)) continue;
    const who = identity.user === null ? 'this caller' : `user '${identity.user}'`;
    throw new BosunError(
      'forbidden',
      `handler '${handler.name}' is powerful (its jobs act with bosun's own rights): ${who} needs an admin token or a token granted it ` +
        `('bosun tokens create --user <name> --handlers ${handler.name}')`,
      { field: 'handler', details: { handler: handler.name } },
    );
  }
}

/**
 * Who a job created by a handler (context.jobs.create) acts as: the job that created it. A job
 * of the operator (no owner: YAML, anonymous) may use every handler; a user's job none of the
 * powerful ones, since which token's grants made it is not known once it runs.
 */
export function jobIdentity(owner: string | null): Identity {
  return { user: owner, admin: owner === null, handlers: [] };
}
