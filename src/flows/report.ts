import { redactValue } from '../redaction/redact-value.ts';
import type { FlowRunRow, FlowStepRow } from './schema.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const elapsed = (from: Date | null, to: Date | null): number | null => (from && to ? to.getTime() - from.getTime() : null);

/** One step of a flow run as reported (simplejob's report: status, exit code, attempts, start, finish, elapsed). */
export function stepView(step: FlowStepRow): Record<string, unknown> {
  return {
    step_id: step.step_id,
    step_run_id: step.step_run_id,
    handler: step.handler,
    waits: step.waits,
    status: step.status,
    exit_code: step.exit_code,
    result: step.result ?? null,
    error: step.error,
    attempts: step.attempts_total,
    attempt: step.attempt,
    retries: step.retries,
    timeout_ms: step.timeout_ms,
    kwargs: redactValue(step.resolved_kwargs ?? step.kwargs), // secrets as ***, as in job views
    host: step.host,
    queued_at: iso(step.queued_at),
    started_at: iso(step.started_at),
    finished_at: iso(step.finished_at),
    elapsed_ms: elapsed(step.started_at, step.finished_at),
  };
}

/** A flow run as reported; with `steps`, each step and the count per status. */
export function flowRunView(run: FlowRunRow, steps?: readonly FlowStepRow[]): Record<string, unknown> {
  const view: Record<string, unknown> = {
    flow_run_id: run.flow_run_id,
    flow_name: run.flow_name,
    status: run.status,
    arguments: redactValue(run.arguments),
    job_id: run.job_id,
    origin_run_id: run.origin_run_id,
    owner: run.owner,
    selection: run.selection,
    reruns: run.reruns,
    created_at: iso(run.created_at),
    finished_at: iso(run.finished_at),
    elapsed_ms: elapsed(run.created_at, run.finished_at),
  };
  if (steps) {
    const counts: Record<string, number> = {};
    for (const s of steps) counts[s.status] = (counts[s.status] ?? 0) + 1;
    view.step_counts = counts;
    view.steps = steps.map(stepView);
  }
  return view;
}
