import type { Kysely } from 'kysely';
import { BosunError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { Logger } from '../log.ts';
import { keepRedacted } from '../redaction/keep-redacted.ts';
import { handlersUsed, type FlowLookup } from '../auth/handlers-used.ts';
import { declareFlow } from './declare-flow.ts';
import {
  countFlowDefinitions,
  deleteFlowDefinition,
  insertFlowDefinition,
  jobsStartingFlow,
  lockFlowDefinition,
  replaceFlowDefinition,
} from './definitions-store.ts';
import type { FlowDefinition, FlowStep } from './flow.ts';
import type { LiveFlowCatalog } from './live-catalog.ts';
import type { FlowDB } from './schema.ts';

/** Bounds of API-defined flows: a flow file may be larger, it is reviewed before it lands. */
export const MAX_API_FLOW_STEPS = 1000;
export const MAX_API_FLOW_BYTES = 256 * 1024;
export const MAX_API_FLOWS = 1000;

/** Who writes: the user a flow belongs to, and whether they may change anybody's (admin). */
export interface FlowWriter {
  user: string | null;
  admin: boolean;
}

/** Flows defined at run time (POST/PUT/DELETE /flows): checked like files, stored, seen by every instance. */
export interface FlowDefinitionCommands {
  /** Declares `raw` (the YAML's shape as JSON) without storing it: the flow, or ValidationError naming the step. */
  check(raw: unknown): FlowDefinition;
  create(raw: unknown, writer: FlowWriter): Promise<FlowDefinition>;
  /** Replaces an API-defined flow, or creates it; `created` says which. */
  replace(name: string, raw: unknown, writer: FlowWriter): Promise<{ flow: FlowDefinition; created: boolean }>;
  remove(name: string, writer: FlowWriter): Promise<void>;
}

export interface FlowDefinitionDeps {
  db: Kysely<FlowDB>;
  registry: HandlerRegistry;
  catalog: LiveFlowCatalog;
  logger: Logger;
}

/**
 * The flow as sent, each step's kwargs with the secrets it sent back as shown (`***`) replaced by
 * the stored ones of the step of the same id: a client that reads a flow, changes a step and puts
 * it back keeps the secrets it never saw (src/redaction/keep-redacted.ts).
 */
function keepStepSecrets(sent: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(sent.steps) || !Array.isArray(stored.steps)) return sent;
  const before = new Map<unknown, Record<string, unknown>>();
  for (const s of stored.steps as unknown[]) if (isObject(s)) before.set(s.id, s);
  const steps = (sent.steps as unknown[]).map((s) => {
    const old = isObject(s) ? before.get(s.id) : undefined;
    return isObject(s) && old && s.kwargs !== undefined ? { ...s, kwargs: keepRedacted(s.kwargs, old.kwargs ?? {}) } : s;
  });
  return { ...sent, steps };
}

/**
 * Powerful handlers the new steps make run (themselves, or through flows they start) that the old
 * ones did not.
 */
function newPowerfulHandlersOf(registry: HandlerRegistry, flows: FlowLookup, before: readonly FlowStep[], after: readonly FlowStep[]): string[] {
  const powerful = (steps: readonly FlowStep[]) =>
    handlersUsed(steps, (name) => registry.resolve(name), flows)
      .filter((h) => h.powerful === true)
      .map((h) => h.name);
  const used = new Set(powerful(before));
  return powerful(after).filter((h) => !used.has(h));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createFlowDefinitionCommands(deps: FlowDefinitionDeps): FlowDefinitionCommands {
  const { db, catalog } = deps;
  const log = deps.logger.child({ component: 'flows' });
  const newPowerfulHandlers = (before: readonly FlowStep[], after: readonly FlowStep[]) => newPowerfulHandlersOf(deps.registry, catalog, before, after);

  const check = (raw: unknown): FlowDefinition => {
    const size = Buffer.byteLength(JSON.stringify(raw ?? null));
    if (size > MAX_API_FLOW_BYTES) {
      throw new BosunError('payload-too-large', `a flow defined through the API is at most ${MAX_API_FLOW_BYTES} bytes of JSON, this one ${size}`, { field: 'steps' });
    }
    const { flow, problems } = declareFlow(raw, null, deps.registry, { maxSteps: MAX_API_FLOW_STEPS });
    if (!flow) {
      const first = problems[0]!;
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s), see errors)` : '';
      throw new BosunError('invalid-flow', `${first.field ? `${first.field}: ` : ''}${first.message}${more}`, {
        field: first.field || undefined,
        details: { errors: problems.map((p) => ({ field: p.field, message: p.message })) },
      });
    }
    return flow;
  };

  const refuseFile = (name: string, doing: string) => {
    if (catalog.has(name) && catalog.get(name).source === 'file') {
      throw new ConflictError(`flow '${name}' is declared in the file ${catalog.get(name).file}; flows from files are read-only, so it cannot be ${doing} through the API (edit the file)`, {
        field: 'name',
      });
    }
  };

  const mayChange = (name: string, owner: string | null, writer: FlowWriter) => {
    if (!writer.admin && owner !== writer.user) throw new BosunError('forbidden', `flow '${name}' was defined by another user; only they or an admin may change it`, { field: 'name' });
  };

  const stored = async (name: string): Promise<FlowDefinition> => {
    await catalog.refresh();
    return catalog.get(name);
  };

  return {
    check,

    async create(raw, writer) {
      const flow = check(raw);
      await catalog.refresh();
      refuseFile(flow.name, 'defined again');
      await db.transaction().execute(async (trx) => {
        if ((await countFlowDefinitions(trx)) >= MAX_API_FLOWS) {
          throw new ConflictError(`at most ${MAX_API_FLOWS} flows may be defined through the API; delete one first`, { field: 'name' });
        }
        const row = await insertFlowDefinition(trx, flow.name, raw as Record<string, unknown>, writer.user);
        if (!row) throw new ConflictError(`flow '${flow.name}' already exists; PUT /flows/${flow.name} replaces it`, { field: 'name' });
      });
      log.info({ flow_name: flow.name, owner: writer.user, steps: flow.steps.length }, 'flow defined');
      return stored(flow.name);
    },

    async replace(name, raw, writer) {
      const flow = check(raw);
      if (flow.name !== name) throw new ValidationError(`the body names flow '${flow.name}' but the path '${name}'; a flow is not renamed by PUT`, { field: 'name' });
      await catalog.refresh();
      refuseFile(name, 'replaced');
      const created = await db.transaction().execute(async (trx) => {
        const current = await lockFlowDefinition(trx, name);
        if (current) {
          mayChange(name, current.owner, writer);
          const kept = keepStepSecrets(raw as Record<string, unknown>, current.definition);
          const added = newPowerfulHandlers(catalog.has(name) ? catalog.get(name).steps : [], check(kept).steps);
          // Jobs of other users start this flow with their arguments: it must not start running a
          // powerful handler for them that they were never asked permission for.
          const others = added.length > 0 ? await jobsStartingFlow(trx, name, { notOwnedBy: writer.user }) : [];
          if (others.length > 0) {
            throw new ConflictError(`flow '${name}' is started by job(s) ${others.join(', ')} of other users; it cannot start using ${added.join(', ')} through them (define a new flow instead)`, {
              field: 'steps',
              details: { job_ids: others, handlers: added },
            });
          }
          await replaceFlowDefinition(trx, name, kept);
          return false;
        }
        if ((await countFlowDefinitions(trx)) >= MAX_API_FLOWS) {
          throw new ConflictError(`at most ${MAX_API_FLOWS} flows may be defined through the API; delete one first`, { field: 'name' });
        }
        if (!(await insertFlowDefinition(trx, name, raw as Record<string, unknown>, writer.user))) throw new ConflictError(`flow '${name}' was defined meanwhile; try again`, { field: 'name' });
        return true;
      });
      log.info({ flow_name: name, owner: writer.user, steps: flow.steps.length, created }, created ? 'flow defined' : 'flow replaced');
      return { flow: await stored(name), created };
    },

    async remove(name, writer) {
      await catalog.refresh();
      refuseFile(name, 'deleted');
      await db.transaction().execute(async (trx) => {
        const current = await lockFlowDefinition(trx, name);
        if (!current) throw new NotFoundError('flow', name);
        mayChange(name, current.owner, writer);
        const jobs = await jobsStartingFlow(trx, name);
        if (jobs.length > 0) throw new ConflictError(`flow '${name}' is started by job(s) ${jobs.join(', ')}; delete or change them first`, { field: 'name', details: { job_ids: jobs } });
        await deleteFlowDefinition(trx, name);
      });
      await catalog.refresh();
      log.info({ flow_name: name }, 'flow deleted');
    },
  };
}
