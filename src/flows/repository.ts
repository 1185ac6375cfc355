import { sql } from 'kysely';
import type { RunLogLine } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import type { FlowRunStatus, StepStatus } from './flow.ts';
import type { FlowDb, FlowRunRow, FlowStepRow } from './schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A new flow run row. */
export interface NewFlowRun {
  flow_name: string;
  arguments: Record<string, unknown>;
  job_id: string | null;
  origin_run_id: string | null;
  origin_index: number | null;
  owner: string | null;
  selection: Record<string, unknown> | null;
}

/** A new step row of a run. */
export interface NewFlowStep {
  step_id: string;
  position: number;
  handler: string;
  kwargs: Record<string, unknown>;
  waits: string[];
  status: StepStatus;
  timeout_ms: number | null;
  retries: number;
  retry_delay_ms: number;
  retry_backoff: boolean;
}

/** Inserts a flow run; undefined when its origin (job run, item) already started one. */
export async function insertFlowRun(db: FlowDb, run: NewFlowRun): Promise<FlowRunRow | undefined> {
  return db
    .insertInto('flow_runs')
    .values({ ...run, arguments: JSON.stringify(run.arguments), selection: run.selection === null ? null : JSON.stringify(run.selection), status: 'running' })
    .onConflict((oc) => oc.columns(['origin_run_id', 'origin_index']).where('origin_run_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The flow run an origin (job run, item) started. */
export async function findFlowRunByOrigin(db: FlowDb, originRunId: string, index: number): Promise<FlowRunRow | undefined> {
  return db.selectFrom('flow_runs').selectAll().where('origin_run_id', '=', originRunId).where('origin_index', '=', index).executeTakeFirst();
}

/** Inserts the steps of a new run, all at once. */
export async function insertFlowSteps(db: FlowDb, flowRunId: string, steps: NewFlowStep[]): Promise<FlowStepRow[]> {
  if (steps.length === 0) return [];
  const rows = steps.map((s) => ({ ...s, flow_run_id: flowRunId, kwargs: JSON.stringify(s.kwargs), finished_at: s.status === 'skipped' ? sql<Date>`now()` : null }));
  const out: FlowStepRow[] = [];
  // Postgres caps a statement at 65 535 parameters: insert in chunks.
  for (let i = 0; i < rows.length; i += 2000) out.push(...(await db.insertInto('flow_steps').values(rows.slice(i, i + 2000)).returningAll().execute()));
  return out;
}

/** The flow run, or undefined (also for ids that are not UUIDs). */
export async function findFlowRun(db: FlowDb, flowRunId: string, owner?: string): Promise<FlowRunRow | undefined> {
  if (!UUID.test(flowRunId)) return undefined;
  let q = db.selectFrom('flow_runs').selectAll().where('flow_run_id', '=', flowRunId);
  if (owner !== undefined) q = q.where('owner', '=', owner);
  return q.executeTakeFirst();
}

/** The flow run locked for the transaction: every writer of a run's steps takes this lock first. */
export async function lockFlowRun(db: FlowDb, flowRunId: string): Promise<FlowRunRow> {
  const run = UUID.test(flowRunId) ? await db.selectFrom('flow_runs').selectAll().where('flow_run_id', '=', flowRunId).forUpdate().executeTakeFirst() : undefined;
  if (!run) throw new NotFoundError('flow run', flowRunId);
  return run;
}

/** The steps of a run in declaration order. */
export async function listFlowSteps(db: FlowDb, flowRunId: string): Promise<FlowStepRow[]> {
  return db.selectFrom('flow_steps').selectAll().where('flow_run_id', '=', flowRunId).orderBy('position').execute();
}

/** Some steps of a run, by id. */
export async function getFlowSteps(db: FlowDb, flowRunId: string, stepIds: readonly string[]): Promise<FlowStepRow[]> {
  if (stepIds.length === 0) return [];
  return db.selectFrom('flow_steps').selectAll().where('flow_run_id', '=', flowRunId).where('step_id', 'in', [...stepIds]).execute();
}

/** Waiting steps of the run that wait for `stepId`. */
export async function waitingDependants(db: FlowDb, flowRunId: string, stepId: string): Promise<FlowStepRow[]> {
  return db
    .selectFrom('flow_steps')
    .selectAll()
    .where('flow_run_id', '=', flowRunId)
    .where(sql<boolean>`status = 'waiting'`)
    .where(sql<boolean>`waits @> array[${stepId}]::text[]`)
    .execute();
}

/** Whether some of `stepIds` has not (yet) succeeded or been skipped (stops at the first). */
export async function anyUnsatisfied(db: FlowDb, flowRunId: string, stepIds: readonly string[]): Promise<boolean> {
  if (stepIds.length === 0) return false;
  // Literal statuses, so the planner can use the partial indexes of 0005 (it cannot with parameters).
  const row = await db
    .selectNoFrom((eb) =>
      eb
        .exists(
          eb
            .selectFrom('flow_steps')
            .select('step_id')
            .where('flow_run_id', '=', flowRunId)
            .where(sql<boolean>`status in ('waiting', 'queued', 'running', 'failed', 'timed_out', 'blocked')`)
            .where(sql<boolean>`step_id = any(${[...stepIds]}::text[])`),
        )
        .as('found'),
    )
    .executeTakeFirstOrThrow();
  return Boolean(row.found);
}

/** Moves a step to `queued` for attempt `attempt`, with its resolved kwargs. */
export async function markQueued(db: FlowDb, flowRunId: string, stepId: string, attempt: number, resolved: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('flow_steps')
    .set({ status: 'queued', attempt, resolved_kwargs: JSON.stringify(resolved), queued_at: sql<Date>`now()`, finished_at: null })
    .where('flow_run_id', '=', flowRunId)
    .where('step_id', '=', stepId)
    .execute();
}

/** Takes a queued attempt: `running` on this host; undefined when it is not that queued attempt any more. */
export async function claimStep(db: FlowDb, flowRunId: string, stepId: string, attempt: number, host: string): Promise<FlowStepRow | undefined> {
  return db
    .updateTable('flow_steps')
    .set({ status: 'running', host, started_at: sql<Date>`now()`, finished_at: null, attempts_total: sql<number>`attempts_total + 1` })
    .where('flow_run_id', '=', flowRunId)
    .where('step_id', '=', stepId)
    .where('status', '=', 'queued')
    .where('attempt', '=', attempt)
    .returningAll()
    .executeTakeFirst();
}

/** How an attempt of a step ended, as stored. */
export interface StepOutcome {
  status: 'succeeded' | 'failed' | 'timed_out';
  result?: unknown;
  error?: string | null;
  exit_code: number | null;
  log: readonly RunLogLine[];
}

/** Settles the running attempt `attempt` of a step; undefined when it is not that running attempt. */
export async function settleStep(db: FlowDb, flowRunId: string, stepId: string, attempt: number, outcome: StepOutcome): Promise<FlowStepRow | undefined> {
  return db
    .updateTable('flow_steps')
    .set({
      status: outcome.status,
      finished_at: sql<Date>`now()`,
      result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      error: outcome.error ?? null,
      exit_code: outcome.exit_code,
      log: JSON.stringify(outcome.log),
    })
    .where('flow_run_id', '=', flowRunId)
    .where('step_id', '=', stepId)
    .where('status', '=', 'running')
    .where('attempt', '=', attempt)
    .returningAll()
    .executeTakeFirst();
}

/** Ends a step that never ran (bad kwargs after substitution, blocked). */
export async function endStep(db: FlowDb, flowRunId: string, stepIds: readonly string[], status: StepStatus, error: string): Promise<void> {
  if (stepIds.length === 0) return;
  await db
    .updateTable('flow_steps')
    .set({ status, error, finished_at: sql<Date>`now()` })
    .where('flow_run_id', '=', flowRunId)
    .where('step_id', 'in', [...stepIds])
    .execute();
}

/** Puts failed and blocked steps back to `waiting` for a rerun; returns their ids. */
export async function resetBadSteps(db: FlowDb, flowRunId: string): Promise<string[]> {
  const rows = await db
    .updateTable('flow_steps')
    .set({ status: 'waiting', attempt: 0, started_at: null, finished_at: null, queued_at: null, result: null, error: null, exit_code: null, resolved_kwargs: null, log: '[]' })
    .where('flow_run_id', '=', flowRunId)
    .where('status', 'in', ['failed', 'timed_out', 'blocked'])
    .returning('step_id')
    .execute();
  return rows.map((r) => r.step_id);
}

/** Whether the run has a step still to run (or running), and one that ended badly (partial indexes of 0005). */
export async function stepStatusFlags(db: FlowDb, flowRunId: string): Promise<{ active: boolean; bad: boolean }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('flow_steps').select('step_id').where('flow_run_id', '=', flowRunId).where(sql<boolean>`status in ('waiting', 'queued', 'running')`)).as('active'),
      eb.exists(eb.selectFrom('flow_steps').select('step_id').where('flow_run_id', '=', flowRunId).where(sql<boolean>`status in ('failed', 'timed_out', 'blocked')`)).as('bad'),
    ])
    .executeTakeFirstOrThrow();
  return { active: Boolean(row.active), bad: Boolean(row.bad) };
}

/** Stores a run's aggregate status (finished_at set once it is final). */
export async function setFlowRunStatus(db: FlowDb, flowRunId: string, status: FlowRunStatus, extra: { reruns?: number } = {}): Promise<FlowRunRow> {
  const final = status === 'succeeded' || status === 'failed';
  return db
    .updateTable('flow_runs')
    .set({ status, finished_at: final ? sql<Date>`coalesce(finished_at, now())` : null, ...(extra.reruns !== undefined ? { reruns: extra.reruns } : {}) })
    .where('flow_run_id', '=', flowRunId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Filters of the flow run list. */
export interface FlowRunQuery {
  flow_name?: string;
  status?: FlowRunStatus;
  job_id?: string;
  owner?: string;
  limit: number;
  offset: number;
}

/** A page of flow runs, newest first, and how many match. */
export async function listFlowRuns(db: FlowDb, q: FlowRunQuery): Promise<{ runs: FlowRunRow[]; total: number }> {
  let base = db.selectFrom('flow_runs');
  if (q.flow_name !== undefined) base = base.where('flow_name', '=', q.flow_name);
  if (q.status !== undefined) base = base.where('status', '=', q.status);
  if (q.job_id !== undefined) base = base.where('job_id', '=', q.job_id);
  if (q.owner !== undefined) base = base.where('owner', '=', q.owner);
  const runs = await base.selectAll().orderBy('created_at', 'desc').orderBy('flow_run_id').limit(q.limit).offset(q.offset).execute();
  const { n } = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { runs, total: Number(n) };
}
