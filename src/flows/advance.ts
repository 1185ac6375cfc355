import type { PgBoss } from 'pg-boss';
import type { Db } from '../jobs/repository.ts';
import { BosunError } from '../errors.ts';
import { insertFailure } from '../failures/repository.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { blockDownstream, decrementPendingWaits, endStep, getFlowSteps, markQueued } from './repository.ts';
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

/** Steps that left the active set in one transaction, and how many of them ended badly. */
export interface Counted {
  ended: number;
  bad: number;
}

/** Blocks what waits (directly or not) on `failedIds`, which just ended badly; counts them all. */
export async function blockAfter(db: FlowDb, runId: string, failedIds: readonly string[]): Promise<Counted> {
  if (failedIds.length === 0) return { ended: 0, bad: 0 };
  const names = failedIds.map((id) => `'${id}'`).join(', ');
  const blocked = await blockDownstream(db, runId, failedIds, `blocked: step ${names} did not succeed`);
  return { ended: failedIds.length + blocked, bad: failedIds.length + blocked };
}

/**
 * Queues `ready` (waiting steps whose waits all succeeded or were skipped): resolves each one's
 * kwargs against the run's arguments and the results it refers to, checks them against the
 * handler's schema, and enqueues attempt 1, all in the caller's transaction. A step whose kwargs
 * cannot be resolved or are invalid fails at once (with a failure row) and blocks what waits for
 * it. Returns how many were queued, and what ended (the failed and blocked ones).
 */
export async function queueReady(db: FlowDb, deps: AdvanceDeps, run: FlowRunRow, ready: readonly FlowStepRow[]): Promise<{ queued: number } & Counted> {
  const resolved: Array<{ step_id: string; resolved: Record<string, unknown> }> = [];
  const messages: Array<StepMessage & { timeoutMs: number | null }> = [];
  const failed: string[] = [];
  for (const step of ready) {
    try {
      resolved.push({ step_id: step.step_id, resolved: await resolveStepKwargs(db, deps, run, step) });
      messages.push({ flow_run_id: run.flow_run_id, step_id: step.step_id, attempt: 1, timeoutMs: step.timeout_ms });
    } catch (err) {
      if (!(err instanceof TemplateError) && !(err instanceof BosunError)) throw err;
      const message = err instanceof TemplateError ? `${err.field}: ${err.message}` : err.message;
      await endStep(db, run.flow_run_id, [step.step_id], 'failed', message);
      await recordStepFailure(db, run, step, { name: err instanceof TemplateError ? 'TemplateError' : 'InvalidKwargs', message, stack: null }, deps.host);
      failed.push(step.step_id);
    }
  }
  await markQueued(db, run.flow_run_id, 1, resolved);
  await enqueueSteps(deps.boss, db, messages);
  return { queued: messages.length, ...(await blockAfter(db, run.flow_run_id, failed)) };
}

async function resolveStepKwargs(db: FlowDb, deps: AdvanceDeps, run: FlowRunRow, step: FlowStepRow): Promise<Record<string, unknown>> {
  const referenced = [...new Set(findReferences(step.kwargs).flatMap((r) => (r.path[0] === 'steps' ? [r.path[1]!] : [])))];
  const steps: Record<string, { result: unknown }> = {};
  const skipped = new Set<string>();
  for (const row of await getFlowSteps(db, run.flow_run_id, referenced)) {
    if (row.status === 'succeeded') steps[row.step_id] = { result: row.result };
    else if (row.status === 'skipped') skipped.add(row.step_id);
  }
  const resolved = resolveTemplates(step.kwargs, { args: run.arguments as Record<string, unknown>, steps, skipped, flow: { name: run.flow_name, run_id: run.flow_run_id, job_id: run.job_id } });
  return deps.registry.validateKwargs(deps.registry.resolve(step.handler), resolved);
}

/** `step` just succeeded: queues the dependants it was the last wait of; returns what queueReady did. */
export async function advanceAfterSuccess(db: FlowDb, deps: AdvanceDeps, run: FlowRunRow, step: FlowStepRow): Promise<{ queued: number } & Counted> {
  return queueReady(db, deps, run, await decrementPendingWaits(db, run.flow_run_id, step.dependants));
}
