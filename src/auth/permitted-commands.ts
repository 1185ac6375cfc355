import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { BosunError } from '../errors.ts';
import type { JobDefinition } from '../jobs/job.ts';
import { findJob } from '../jobs/repository.ts';
import { knownFlowCatalog } from '../flows/runtime.ts';
import { assertMayUseHandlers, type HandlerTraits } from './handler-permission.ts';
import { handlersUsed, type FlowLookup, type HandlerCall } from './handlers-used.ts';
import { currentIdentity } from './request-identity.ts';
import type { Identity } from './tokens.ts';

/**
 * The permission of one write: `identity` may define jobs making these calls (a definition, and
 * for a change the definition as stored too). Handlers' context.jobs.create is checked here as well,
 * as the creating job (jobIdentity).
 */
export function assertMayDefine(identity: Identity, calls: readonly HandlerCall[], registry: PermittedCommandsDeps['registry'], flows: FlowLookup | undefined): void {
  assertMayUseHandlers(identity, handlersUsed(calls, (name) => registry.resolve(name), flows));
}

/** What the permission needs of the commands it guards (JobCommands and the API's port have it). */
interface DefiningCommands {
  create(def: JobDefinition, ...rest: never[]): Promise<unknown>;
  update(jobId: string, def: JobDefinition): Promise<unknown>;
}

export interface PermittedCommandsDeps {
  db: Kysely<DB>;
  /** The loaded handlers; a name not among them (turned off, or gone) counts as powerful. */
  registry: { resolve(name: string): HandlerTraits };
  /** Who is acting; by default the identity of the request being served (src/auth/request-identity.ts). */
  identity?: () => Identity | undefined;
  /** The flows a job's `flow_name` may start; by default the ones this process loaded. */
  flows?: () => FlowLookup | undefined;
}

/**
 * The commands with the powerful-handler permission in front of every write that defines a job:
 * create checks the handlers the new job makes run (src/auth/handlers-used.ts), update those of
 * the job as stored and as changed. Pausing, resuming, running now and deleting change no
 * definition and pass (the routes' owner scope still applies). Without an identity, writes fail.
 */
export function permittedCommands<C extends DefiningCommands>(commands: C, deps: PermittedCommandsDeps): C {
  const identity = (): Identity => {
    const who = (deps.identity ?? currentIdentity)();
    if (who === undefined) throw new BosunError('forbidden', 'no identity for this change: job writes through the API need an authenticated request');
    return who;
  };
  const check = (who: Identity, calls: HandlerCall[]) => assertMayDefine(who, calls, deps.registry, (deps.flows ?? knownFlowCatalog)());
  const guarded: DefiningCommands = {
    async create(def: JobDefinition, ...rest: never[]) {
      check(identity(), [def]);
      return commands.create(def, ...rest);
    },
    async update(jobId: string, def: JobDefinition) {
      const who = identity();
      const stored = await findJob(deps.db, jobId);
      check(who, [...(stored ? [stored] : []), def]);
      return commands.update(jobId, def);
    },
  };
  return { ...commands, ...guarded };
}
