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
  /** Steps it will run (all but the skipped ones). */
  remaining: number;
}

/** A new step row of a run. */
export interface NewFlowStep {
  step_id: string;
  position: number;
  handler: string;
  kwargs: Record<string, unknown>;
  waits: string[];
  /** Waits that are not skipped in this run: the step is queued when as many have succeeded. */
  pending_waits: number;
  dependants: string[];
  status: StepStatus;
  timeout_ms: number | null;
  retries: number;
  retry_delay_ms: number;
  retry_backoff: number;
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

/** The flow run locked for the transaction (rerun only: step settles never lock the run). */
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

/**
 * One of the waits of `stepIds` succeeded: decrements their pending_waits (waiting steps only)
 * and returns those now at 0, which the caller must queue. Rows are locked in step_id order first,
 * so two settles sharing dependants cannot deadlock; whichever decrements last sees 0, so a step
 * is queued exactly once.
 */
export async function decrementPendingWaits(db: FlowDb, flowRunId: string, stepIds: readonly string[]): Promise<FlowStepRow[]> {
  if (stepIds.length === 0) return [];
  const rows = await db
    .with('locked', (qb) =>
      qb
        .selectFrom('flow_steps')
        .select('step_id')
        .where('flow_run_id', '=', flowRunId)
        .where('step_id', 'in', [...stepIds])
        .where('status', '=', 'waiting')
        .orderBy('step_id')
        .forUpdate(),
    )
    .updateTable('flow_steps')
    .from('locked')
    .set((eb) => ({ pending_waits: eb('flow_steps.pending_waits', '-', 1) }))
    .where('flow_steps.flow_run_id', '=', flowRunId)
    .whereRef('flow_steps.step_id', '=', 'locked.step_id')
    .where('flow_steps.status', '=', 'waiting')
    .returningAll('flow_steps')
    .execute();
  return rows.filter((r) => r.pending_waits <= 0);
}

/** Moves steps to `queued` for attempt `attempt`, each with its resolved kwargs (one statement). */
export async function markQueued(db: FlowDb, flowRunId: string, attempt: number, steps: ReadonlyArray<{ step_id: string; resolved: Record<string, unknown> }>): Promise<void> {
  if (steps.length === 0) return;
  const values = JSON.stringify(steps.map((s) => ({ step_id: s.step_id, kwargs: s.resolved })));
  await sql`
    update flow_steps f
    set status = 'queued', attempt = ${attempt}, resolved_kwargs = v.kwargs, queued_at = now(), finished_at = null
    from jsonb_to_recordset(${values}::jsonb) as v(step_id text, kwargs jsonb)
    where f.flow_run_id = ${flowRunId} and f.step_id = v.step_id`.execute(db);
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

/**
 * Settles a succeeded attempt in one statement (the hot path of a wide run): stores the step,
 * decrements pending_waits of its waiting dependants (locked in step_id order first), then counts
 * the step out of the run (the run's row is locked last, so every settle locks in one order).
 * Returns undefined when it was not that running attempt; else the run as counted, the step, and
 * the ids of the dependants now ready to queue. Callers commit right after (or queue those first).
 */
export async function settleSucceeded(
  db: FlowDb,
  flowRunId: string,
  stepId: string,
  attempt: number,
  outcome: { result: unknown; exit_code: number | null; log: readonly RunLogLine[] },
): Promise<{ run: FlowRunRow; step: FlowStepRow; ready: string[] } | undefined> {
  const result = await sql<{ step: FlowStepRow; run: FlowRunRow | null; ready: string[] | null }>`
    with own as (
      update flow_steps set status = 'succeeded', finished_at = now(), result = ${outcome.result === undefined ? null : JSON.stringify(outcome.result)}::jsonb,
        error = null, exit_code = ${outcome.exit_code}::int, log = ${JSON.stringify(outcome.log)}::jsonb
      where flow_run_id = ${flowRunId} and step_id = ${stepId} and status = 'running' and attempt = ${attempt}
      returning *
    ),
    locked as (
      select f.step_id from flow_steps f
      where f.flow_run_id = ${flowRunId} and f.step_id = any(array(select unnest(dependants) from own)) and f.status = 'waiting'
      order by f.step_id for update of f
    ),
    dec as (
      update flow_steps f set pending_waits = f.pending_waits - 1
      from locked where f.flow_run_id = ${flowRunId} and f.step_id = locked.step_id and f.status = 'waiting'
      returning f.step_id, f.pending_waits
    ),
    counted as (
      update flow_runs set remaining = remaining - 1,
        status = case when remaining - 1 > 0 then (case when bad > 0 then 'various' else 'running' end) else (case when bad > 0 then 'failed' else 'succeeded' end) end,
        finished_at = case when remaining - 1 > 0 then null else coalesce(finished_at, now()) end
      -- After dec (a scalar subquery runs it first): the run's row is the last lock taken.
      where flow_run_id = ${flowRunId} and exists (select 1 from own) and (select count(*) from dec) >= 0
      returning *
    )
    select (select to_jsonb(own) from own) as step, (select to_jsonb(counted) from counted) as run,
      (select array_agg(step_id) from dec where pending_waits <= 0) as ready`.execute(db);
  const row = result.rows[0];
  if (!row?.step || !row.run) return undefined;
  return { run: revive(row.run, RUN_DATES), step: revive(row.step, STEP_DATES), ready: row.ready ?? [] };
}

const RUN_DATES = ['created_at', 'finished_at'] as const;
const STEP_DATES = ['queued_at', 'started_at', 'finished_at'] as const;

/** A row read back through to_jsonb: its timestamps as Dates again. */
function revive<T>(row: T, dates: readonly string[]): T {
  const out = row as Record<string, unknown>;
  for (const key of dates) if (typeof out[key] === 'string') out[key] = new Date(out[key]);
  return row;
}

/** Ends a step that never ran (bad kwargs after substitution). */
export async function endStep(db: FlowDb, flowRunId: string, stepIds: readonly string[], status: StepStatus, error: string): Promise<void> {
  if (stepIds.length === 0) return;
  await db
    .updateTable('flow_steps')
    .set({ status, error, finished_at: sql<Date>`now()` })
    .where('flow_run_id', '=', flowRunId)
    .where('step_id', 'in', [...stepIds])
    .execute();
}

/**
 * Marks every waiting step downstream of `stepIds` (through waiting steps) as blocked; returns how
 * many. The rows are locked in step_id order, like decrementPendingWaits, before they change.
 */
export async function blockDownstream(db: FlowDb, flowRunId: string, stepIds: readonly string[], error: string): Promise<number> {
  if (stepIds.length === 0) return 0;
  const result = await sql`
    with recursive down(step_id) as (
      select d.step_id from flow_steps f cross join lateral unnest(f.dependants) as d(step_id)
      where f.flow_run_id = ${flowRunId} and f.step_id = any(${[...stepIds]}::text[])
      union
      select d.step_id from down
      join flow_steps f on f.flow_run_id = ${flowRunId} and f.step_id = down.step_id and f.status = 'waiting'
      cross join lateral unnest(f.dependants) as d(step_id)
    ),
    locked as (
      select step_id from flow_steps
      where flow_run_id = ${flowRunId} and step_id in (select step_id from down) and status = 'waiting'
      order by step_id for update
    )
    update flow_steps f set status = 'blocked', error = ${error}, finished_at = now()
    from locked
    where f.flow_run_id = ${flowRunId} and f.step_id = locked.step_id and f.status = 'waiting'`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Puts failed and blocked steps back to `waiting` for a rerun; returns them. */
export async function resetBadSteps(db: FlowDb, flowRunId: string): Promise<FlowStepRow[]> {
  return db
    .updateTable('flow_steps')
    .set({ status: 'waiting', attempt: 0, started_at: null, finished_at: null, queued_at: null, result: null, error: null, exit_code: null, resolved_kwargs: null, log: '[]' })
    .where('flow_run_id', '=', flowRunId)
    .where('status', 'in', ['failed', 'timed_out', 'blocked'])
    .returningAll()
    .execute();
}

/** Sets pending_waits of some steps (a rerun recounts them). */
export async function setPendingWaits(db: FlowDb, flowRunId: string, counts: ReadonlyArray<{ step_id: string; pending: number }>): Promise<void> {
  if (counts.length === 0) return;
  await sql`
    update flow_steps f set pending_waits = v.pending
    from jsonb_to_recordset(${JSON.stringify(counts)}::jsonb) as v(step_id text, pending integer)
    where f.flow_run_id = ${flowRunId} and f.step_id = v.step_id`.execute(db);
}

/**
 * Counts `ended` steps out of the run's remaining ones and `bad` more as ended badly (negative
 * for a rerun), and stores the aggregate status they give (aggregateFlags' rule: running, various,
 * failed, succeeded; finished_at once final). One atomic update, so concurrent settles of one run
 * need no other lock: each sees the counts the previous ones left. Callers make it the last
 * statement of their transaction, so the run's row is held only until the commit.
 */
export async function countSteps(db: FlowDb, flowRunId: string, ended: number, bad: number, extra: { reruns?: number } = {}): Promise<FlowRunRow> {
  const remaining = sql<number>`remaining - ${ended}::int`;
  const badNow = sql<number>`bad + ${bad}::int`;
  return db
    .updateTable('flow_runs')
    .set({
      remaining,
      bad: badNow,
      status: sql<FlowRunStatus>`case when ${remaining} > 0 then (case when ${badNow} > 0 then 'various' else 'running' end)
        else (case when ${badNow} > 0 then 'failed' else 'succeeded' end) end`,
      finished_at: sql<Date | null>`case when ${remaining} > 0 then null else coalesce(finished_at, now()) end`,
      ...(extra.reruns !== undefined ? { reruns: extra.reruns } : {}),
    })
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
