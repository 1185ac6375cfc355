import type { PgBoss } from 'pg-boss';
import type { Db } from '../jobs/repository.ts';
import { BosunError } from '../errors.ts';
import { insertFailure } from '../failures/repository.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { aggregateFlags } from './aggregate.ts';
import { anyUnsatisfied, endStep, getFlowSteps, markQueued, setFlowRunStatus, stepStatusFlags, waitingDependants } from './repository.ts';
import type { FlowDb, FlowRunRow, FlowStepRow } from './schema.ts';
import { enqueueSteps, type StepMessage } from './step-queue.ts';
import { findReferences, resolveTemplates, TemplateError } from './template.ts';

/** What moving a flow run forward needs. */
export interface AdvanceDeps {
  boss: PgBoss;
  registry: Pick<HandlerRegistry, 'resolve' | 'validateKwargs'>;
  host: string;
}

/** The job id failure rows of a flow run's steps carry: the job that started it, else `flow:<name>`. */
export function failureJobId(run: FlowRunRow): string {
  return run.job_id ?? `flow:${run.flow_name}`;
}

/** Writes a failure row for a step (one per failed attempt, like the engine's runs). */
export async function recordStepFailure(
  db: FlowDb,
  run: FlowRunRow,
  step: FlowStepRow,
  error: { name: string; message: string; stack: string | null },
  host: string,
): Promise<void> {
  await insertFailure(db as unknown as Db, {
    job_id: failureJobId(run),
    run_id: step.step_run_id,
    handler: step.handler,
    kwargs: { ...(step.resolved_kwargs ?? step.kwargs), flow_name: run.flow_name, flow_run_id: run.flow_run_id, step_id: step.step_id } as Record<string, unknown>,
    owner: run.owner,
    error_name: error.name,
    message: `flow ${run.flow_name} step '${step.step_id}': ${error.message}`,
    stack: error.stack,
    attempt: Math.max(step.attempt, 1),
    host,
  });
}

/** Marks every waiting step downstream of `failedIds` as blocked (they will not run). */
export async function blockDependants(db: FlowDb, runId: string, failedIds: readonly string[]): Promise<void> {
  let frontier = [...failedIds];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      const children = await waitingDependants(db, runId, id);
      if (children.length === 0) continue;
      const ids = children.map((c) => c.step_id);
      await endStep(db, runId, ids, 'blocked', `blocked: step '${id}' did not succeed`);
      next.push(...ids);
    }
    frontier = next;
  }
}

/**
 * Queues every candidate whose waits all succeeded (or were skipped): resolves its kwargs against
 * the run's arguments and the results it refers to, checks them against the handler's schema, and
 * enqueues attempt 1 (returns how many). A step whose kwargs cannot be resolved or are invalid fails at once (with a
 * failure row) and blocks what waits for it. `doneId` is a step known to have just succeeded.
 */
export async function queueReady(db: FlowDb, deps: AdvanceDeps, run: FlowRunRow, candidates: readonly FlowStepRow[], doneId?: string): Promise<number> {
  const messages: Array<StepMessage & { timeoutMs: number | null }> = [];
  const failed: string[] = [];
  for (const step of candidates) {
    if (step.status !== 'waiting') continue;
    const others = step.waits.filter((w) => w !== doneId);
    if (others.length > 0 && (await anyUnsatisfied(db, run.flow_run_id, others))) continue;
    try {
      const resolved = await resolveStepKwargs(db, deps, run, step);
      await markQueued(db, run.flow_run_id, step.step_id, 1, resolved);
      messages.push({ flow_run_id: run.flow_run_id, step_id: step.step_id, attempt: 1, timeoutMs: step.timeout_ms });
    } catch (err) {
      if (!(err instanceof TemplateError) && !(err instanceof BosunError)) throw err;
      const message = err instanceof TemplateError ? `${err.field}: ${err.message}` : err.message;
      await endStep(db, run.flow_run_id, [step.step_id], 'failed', message);
      await recordStepFailure(db, run, step, { name: err instanceof TemplateError ? 'TemplateError' : 'InvalidKwargs', message, stack: null }, deps.host);
      failed.push(step.step_id);
    }
  }
  await enqueueSteps(deps.boss, db, messages);
  if (failed.length > 0) await blockDependants(db, run.flow_run_id, failed);
  return messages.length;
}

async function resolveStepKwargs(db: FlowDb, deps: AdvanceDeps, run: FlowRunRow, step: FlowStepRow): Promise<Record<string, unknown>> {
  const referenced = [...new Set(findReferences(step.kwargs).flatMap((r) => (r.path[0] === 'steps' ? [r.path[1]!] : [])))];
  const steps: Record<string, { result: unknown }> = {};
  for (const row of await getFlowSteps(db, run.flow_run_id, referenced)) if (row.status === 'succeeded') steps[row.step_id] = { result: row.result };
  const resolved = resolveTemplates(step.kwargs, { args: run.arguments as Record<string, unknown>, steps, flow: { name: run.flow_name, run_id: run.flow_run_id, job_id: run.job_id } });
  return deps.registry.validateKwargs(deps.registry.resolve(step.handler), resolved);
}

/** Recomputes the run's aggregate status from its steps and stores it when it changed. */
export async function refreshFlowRunStatus(db: FlowDb, run: FlowRunRow): Promise<FlowRunRow> {
  const { active, bad } = await stepStatusFlags(db, run.flow_run_id);
  const status = aggregateFlags(active, bad);
  return status === run.status ? run : setFlowRunStatus(db, run.flow_run_id, status);
}
