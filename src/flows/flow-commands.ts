import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { Logger } from '../log.ts';
import { queueReady, type AdvanceDeps } from './advance.ts';
import type { FlowDefinitionCommands } from './flow-definitions.ts';
import type { LiveFlowCatalog } from './live-catalog.ts';
import type { FlowDefinition } from './flow.ts';
import {
  findFlowRun,
  findFlowRunByOrigin,
  insertFlowRun,
  insertFlowSteps,
  listFlowRuns,
  listFlowSteps,
  lockFlowRun,
  countSteps,
  resetBadSteps,
  setPendingWaits,
  type FlowRunQuery,
} from './repository.ts';
import type { FlowDB, FlowDb, FlowRunRow, FlowStepRow } from './schema.ts';
import { selectSteps, type StepSelection } from './selection.ts';
import { findReferences } from './template.ts';

/** Where a flow run came from and who owns it. */
export interface StartOptions {
  jobId?: string | null;
  /** The job run that started it, and the item's index: a retried run starts each item once. */
  origin?: { runId: string; index: number };
  owner?: string | null;
  selection?: StepSelection;
}

/** Starting, rerunning and reading flow runs: the API and the flow-scheduling handlers go through here. */
export interface FlowCommands {
  /** The flows from files and the API; refresh() before reading what another instance may have written. */
  catalog: LiveFlowCatalog;
  /** Defining, replacing and deleting flows through the API. */
  definitions: FlowDefinitionCommands;
  /** Starts one run of a flow; ValidationError when an argument a step uses is missing. */
  start(flowName: string, args: Record<string, unknown>, options?: StartOptions): Promise<FlowRunRow>;
  /** Starts one run per argument object, all in one transaction. */
  startMany(flowName: string, items: Array<Record<string, unknown>>, options?: Omit<StartOptions, 'origin'> & { originRunId?: string }): Promise<FlowRunRow[]>;
  /** Runs a failed flow run's failed and blocked steps again; ConflictError unless it failed. */
  rerun(flowRunId: string, owner?: string): Promise<FlowRunRow>;
  /** A flow run and its steps; NotFoundError when absent or not the caller's. */
  get(flowRunId: string, owner?: string): Promise<{ run: FlowRunRow; steps: FlowStepRow[] }>;
  list(query: FlowRunQuery): Promise<{ runs: FlowRunRow[]; total: number }>;
  /** The owner of a job (flow runs a job starts belong to its owner); null when none or no such job. */
  ownerOfJob(jobId: string): Promise<string | null>;
}

export interface FlowCommandsDeps {
  db: Kysely<FlowDB>;
  boss: PgBoss;
  registry: HandlerRegistry;
  catalog: LiveFlowCatalog;
  definitions: FlowDefinitionCommands;
  logger: Logger;
  host: string;
}

/** Refuses a start whose arguments lack one a step uses (`${args.x}`), naming the step. */
export function checkArguments(flow: FlowDefinition, args: Record<string, unknown>, selected?: Set<string>): void {
  for (const step of flow.steps) {
    if (selected && !selected.has(step.id)) continue;
    for (const ref of findReferences(step.kwargs)) {
      const name = ref.path[1]!;
      if (ref.path[0] === 'args' && !Object.hasOwn(args, name)) {
        throw new ValidationError(`flow '${flow.name}' needs argument '${name}' (step '${step.id}' uses \${${ref.path.join('.')}} in ${ref.field})`, { field: `arguments.${name}` });
      }
    }
  }
}

/** The FlowCommands of one bosun process. */
export function createFlowCommands(deps: FlowCommandsDeps): FlowCommands {
  const { db, catalog } = deps;
  const log = deps.logger.child({ component: 'flows' });
  const advance: AdvanceDeps = { boss: deps.boss, registry: deps.registry, host: deps.host };

  const startIn = async (trx: FlowDb, flow: FlowDefinition, args: Record<string, unknown>, options: StartOptions): Promise<FlowRunRow> => {
    if (options.origin) {
      const existing = await findFlowRunByOrigin(trx, options.origin.runId, options.origin.index);
      if (existing) return existing;
    }
    const selected = options.selection ? selectSteps(flow, options.selection) : undefined;
    checkArguments(flow, args, selected);
    const skipped = new Set(selected ? flow.steps.filter((s) => !selected.has(s.id)).map((s) => s.id) : []);
    const dependants = new Map<string, string[]>(flow.steps.map((s) => [s.id, []]));
    for (const s of flow.steps) for (const w of s.waits) dependants.get(w)?.push(s.id);
    const run = await insertFlowRun(trx, {
      flow_name: flow.name,
      arguments: args,
      job_id: options.jobId ?? null,
      origin_run_id: options.origin?.runId ?? null,
      origin_index: options.origin?.index ?? null,
      owner: options.owner ?? null,
      selection: options.selection ? { ...options.selection } : null,
      remaining: flow.steps.length - skipped.size,
    });
    if (!run) return (await findFlowRunByOrigin(trx, options.origin!.runId, options.origin!.index))!;
    const steps = await insertFlowSteps(
      trx,
      run.flow_run_id,
      flow.steps.map((s, position) => ({
        step_id: s.id,
        position,
        handler: s.handler,
        kwargs: s.kwargs,
        waits: s.waits,
        pending_waits: s.waits.filter((w) => !skipped.has(w)).length,
        dependants: [...(dependants.get(s.id) ?? [])].sort(),
        status: skipped.has(s.id) ? 'skipped' : 'waiting',
        timeout_ms: s.timeout_ms,
        retries: s.retries,
        retry_delay_ms: s.retry_delay_ms,
        retry_backoff: s.retry_backoff,
      })),
    );
    // Nobody else sees the run before the commit: no locks needed here.
    const started = await queueReady(trx, advance, run, steps.filter((s) => s.status === 'waiting' && s.pending_waits === 0));
    return started.ended > 0 ? countSteps(trx, run.flow_run_id, started.ended, started.bad) : run;
  };

  return {
    catalog,
    definitions: deps.definitions,

    async start(flowName, args, options = {}) {
      await catalog.refresh();
      const flow = catalog.get(flowName);
      const run = await db.transaction().execute((trx) => startIn(trx, flow, args, options));
      log.info({ flow_name: flowName, flow_run_id: run.flow_run_id, job_id: run.job_id, status: run.status }, 'flow run started');
      return run;
    },

    async startMany(flowName, items, options = {}) {
      await catalog.refresh();
      const flow = catalog.get(flowName);
      const runs = await db.transaction().execute(async (trx) => {
        const out: FlowRunRow[] = [];
        for (const [index, args] of items.entries()) {
          try {
            out.push(await startIn(trx, flow, args, { ...options, ...(options.originRunId ? { origin: { runId: options.originRunId, index } } : {}) }));
          } catch (err) {
            if (err instanceof ValidationError) throw new ValidationError(`flow_arguments[${index}]: ${err.message}`, { field: `flow_arguments[${index}]` });
            throw err;
          }
        }
        return out;
      });
      log.info({ flow_name: flowName, job_id: options.jobId ?? null, flow_run_ids: runs.map((r) => r.flow_run_id) }, `${runs.length} flow run(s) started`);
      return runs;
    },

    async rerun(flowRunId, owner) {
      const run = await db.transaction().execute(async (trx) => {
        const current = await lockFlowRun(trx, flowRunId);
        if (owner !== undefined && current.owner !== owner) throw new NotFoundError('flow run', flowRunId);
        if (current.status !== 'failed') {
          throw new ConflictError(`flow run ${flowRunId} is ${current.status}; only a failed flow run can be rerun (its failed and blocked steps run again)`, { field: 'flow_run_id' });
        }
        // A failed run has no step left to run, so no settle runs concurrently with this.
        const reset = await resetBadSteps(trx, flowRunId);
        const status = new Map((await listFlowSteps(trx, flowRunId)).map((s) => [s.step_id, s.status]));
        const pending = reset.map((s) => ({ step_id: s.step_id, pending: s.waits.filter((w) => status.get(w) !== 'succeeded' && status.get(w) !== 'skipped').length }));
        await setPendingWaits(trx, flowRunId, pending);
        const restarted = await countSteps(trx, flowRunId, -reset.length, -reset.length, { reruns: current.reruns + 1 });
        const ready = reset.filter((s, i) => pending[i]!.pending === 0);
        const started = await queueReady(trx, advance, restarted, ready);
        return started.ended > 0 ? countSteps(trx, flowRunId, started.ended, started.bad) : restarted;
      });
      log.info({ flow_name: run.flow_name, flow_run_id: flowRunId, reruns: run.reruns }, 'flow run rerun');
      return run;
    },

    async get(flowRunId, owner) {
      const run = await findFlowRun(db, flowRunId, owner);
      if (!run) throw new NotFoundError('flow run', flowRunId);
      return { run, steps: await listFlowSteps(db, flowRunId) };
    },

    list: (query) => listFlowRuns(db, query),

    async ownerOfJob(jobId) {
      const row = await db.selectFrom('jobs').select('owner').where('job_id', '=', jobId).executeTakeFirst();
      return row?.owner ?? null;
    },
  };
}
