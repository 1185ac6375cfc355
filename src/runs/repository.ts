import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../jobs/repository.ts';
import type { Overlap, RunLogLine, RunStatus, RunTrigger } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import type { Run } from './run.ts';
import { PREPARE } from '../db/prepared-statements.ts';

/** A new run row; status decides what else is filled in. */
export interface NewRun {
  job_id: string;
  scheduled_for: Date;
  trigger: RunTrigger;
  status: RunStatus;
  host?: string | null;
  attempt?: number;
  error?: string | null;
}

function values(run: NewRun) {
  const now = sql<Date>`now()`;
  const running = run.status === 'running';
  const final = !running && run.status !== 'scheduled';
  return {
    job_id: run.job_id,
    scheduled_for: run.scheduled_for,
    trigger: run.trigger,
    status: run.status,
    attempt: run.attempt ?? 1,
    host: run.host ?? null,
    error: run.error ?? null,
    started_at: running ? now : null,
    heartbeat_at: running ? now : null,
    finished_at: final ? now : null,
  };
}

/** An occurrence run to insert: `due` takes its status from the overlap policy, `misfired` is recorded as such. */
export interface OccurrenceRow {
  job_id: string;
  scheduled_for: Date;
  kind: 'due' | 'misfired';
  overlap: Overlap;
  /** The job's cap on runs at once (null: one under skip and queue, none under allow). */
  max_instances: number | null;
  /** Stored on a misfired row, and on a due row that the overlap policy skips. */
  error: string;
}

/**
 * The insert of the runs of scheduled occurrences (a fetched batch's claim), each `misfired`, or,
 * when due, with its status decided by the overlap policy: `running`, or with the job full
 * `skipped` (overlap: skip, and allow) or `scheduled` (overlap: queue, also behind an occurrence
 * already queued: first in, first run). A job is full when `max_instances` of its runs are running
 * (by default one, or no limit under overlap: allow) (the rule of atInstanceLimit too). A fragment for a statement sent after the jobs' row locks
 * are held (its snapshot, taken after them, then sees every run that can matter), with at most one
 * due row per job: the overlap check sees the runs before the statement, not the rows it inserts.
 * An occurrence that already has a run gets none, and is left out of what it returns: the unique
 * (job_id, scheduled_for) index is the exactly-once point across instances. `from` is the
 * from-item `v(job_id, scheduled_for, kind, overlap, max_instances, error)` of the rows: occurrenceRows, or a
 * statement's own query.
 */
export function insertOccurrenceRuns(host: string, from: RawBuilder<unknown>): RawBuilder<Run> {
  return sql<Run>`
    insert into runs (job_id, scheduled_for, trigger, status, attempt, host, error, started_at, heartbeat_at, finished_at)
    select v.job_id, v.scheduled_for, 'schedule', d.status, 1, ${host},
      case when d.status in ('skipped', 'misfired') then v.error end,
      case when d.status = 'running' then now() end,
      case when d.status = 'running' then now() end,
      case when d.status in ('skipped', 'misfired') then now() end
    from ${from}
    cross join lateral (
      select case
        when v.kind = 'misfired' then 'misfired'
        when v.overlap = 'allow' and v.max_instances is null then 'running'
        when case when v.max_instances is null then exists (select 1 from runs b where b.job_id = v.job_id and b.status = 'running')
            else (select count(*) from runs b where b.job_id = v.job_id and b.status = 'running') >= v.max_instances end
          or (v.overlap = 'queue' and exists (
            select 1 from runs q where q.job_id = v.job_id and q.status = 'scheduled' and q.trigger = 'schedule' and q.attempt = 1))
          then case when v.overlap = 'queue' then 'scheduled' else 'skipped' end
        else 'running'
      end as status
      -- A fence: without it the planner pulls this subquery up and repeats the case (and its
      -- exists checks, each a scan of every running run's index entries, dead ones included,
      -- until vacuum) for each of the four uses of d.status: 1.3–4 ms a batch of 10, 0.2 after.
      offset 0
    ) d
    on conflict (job_id, scheduled_for, (case when trigger <> 'schedule' then run_id end)) do nothing
    returning *`;
}

/** The worker's occurrence rows as insertOccurrenceRuns's from-item. */
export function occurrenceRows(rows: readonly OccurrenceRow[]): RawBuilder<unknown> {
  return sql`unnest(${rows.map((r) => r.job_id)}::text[], ${rows.map((r) => r.scheduled_for)}::timestamptz[], ${rows.map((r) => r.kind)}::text[],
      ${rows.map((r) => r.overlap)}::text[], ${rows.map((r) => r.max_instances)}::int[], ${rows.map((r) => r.error)}::text[])
      as v(job_id, scheduled_for, kind, overlap, max_instances, error)`;
}

// Every column of runs, for a statement that returns a run beside another table's row (a record
// of them so that a column added to Run and not here, or here and not in Run, fails to compile).
const RUN_COLUMNS = Object.keys({
  run_id: true, job_id: true, scheduled_for: true, trigger: true, status: true, attempt: true, host: true,
  started_at: true, finished_at: true, result: true, error: true, log: true, created_at: true, heartbeat_at: true,
} satisfies Record<keyof Run, true>);

/** The columns of the run `alias` in a select list, each named `run.<column>`. */
export function prefixedRunColumns(alias: string): RawBuilder<unknown> {
  return sql.raw(RUN_COLUMNS.map((c) => `${alias}.${c} as "run.${c}"`).join(', '));
}

/** The run of a row selected with prefixedRunColumns; undefined when none was joined. */
export function prefixedRun(row: Record<string, unknown>): Run | undefined {
  if (row['run.run_id'] === null) return undefined;
  const run: Record<string, unknown> = {};
  for (const column of RUN_COLUMNS) run[column] = row[`run.${column}`];
  return run as Run;
}

/** Inserts a run outside the schedule (run now, flows). */
export async function insertRun(db: Db, run: NewRun): Promise<Run> {
  return db.insertInto('runs').values(values(run)).returningAll().executeTakeFirstOrThrow();
}

/** The run, or NotFoundError. */
export async function getRun(db: Db, runId: string): Promise<Run> {
  const run = await findRun(db, runId);
  if (!run) throw new NotFoundError('run', runId);
  return run;
}

/** The run, or undefined (also for ids that are not UUIDs). */
export async function findRun(db: Db, runId: string): Promise<Run | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId)) return undefined;
  return db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
}

/** Moves a waiting attempt to `running` on this host; undefined when someone else took it or it was cancelled. */
export async function claimAttempt(db: Db, runId: string, attempt: number, host: string): Promise<Run | undefined> {
  return db
    .updateTable('runs')
    .set({ status: 'running', host, started_at: sql<Date>`now()`, heartbeat_at: sql<Date>`now()`, finished_at: null })
    .where('run_id', '=', runId)
    .where('status', '=', 'scheduled')
    .where('attempt', '=', attempt)
    .returningAll()
    .executeTakeFirst();
}

/** How an attempt ended, as stored on the run. */
export interface AttemptOutcome {
  status: RunStatus;
  result?: unknown;
  error?: string | null;
  log: readonly RunLogLine[];
  /** Set when the run is retried: the attempt number of the retry, whose status is `scheduled`. */
  nextAttempt?: number;
}

/**
 * Settles the running attempt `attempt` of a run; undefined when the run is no longer that
 * running attempt (cancelled, reaped, deleted), in which case nothing is written.
 */
export async function settleAttempt(db: Db, runId: string, attempt: number, outcome: AttemptOutcome): Promise<Run | undefined> {
  const retrying = outcome.nextAttempt !== undefined;
  return db
    .updateTable('runs')
    .set({
      status: retrying ? 'scheduled' : outcome.status,
      attempt: outcome.nextAttempt ?? attempt,
      finished_at: retrying ? null : sql<Date>`now()`,
      heartbeat_at: null,
      result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      error: outcome.error ?? null,
      // schema.ts types log as Generated<JSONColumnType>, which kysely's update typing rejects.
      log: JSON.stringify(outcome.log) as never,
    })
    .where('run_id', '=', runId)
    .where('status', '=', 'running')
    .where('attempt', '=', attempt)
    .returningAll()
    .executeTakeFirst();
}

/** A settled attempt, with the oldest occurrence queued behind its job under `overlap: queue` (null if none). */
export type SettledRun = Run & { queued_run_id: string | null };

/** A succeeded attempt to store: its run, attempt number, result (already capped) and log. */
export interface Success {
  run_id: string;
  attempt: number;
  result: unknown;
  log: readonly RunLogLine[];
}

/**
 * The statement that settles succeeded attempts: the runs (each only while it is still that
 * running attempt), their jobs' last outcome (the latest start per job), and for each the oldest
 * occurrence queued behind its job. Run it after taking the jobs' row locks (lockJobs, in the
 * same transaction; it may be sent with it): the queue look-up's snapshot then holds every
 * occurrence queued before, and no claim can queue one meanwhile. The run rows are locked in
 * run_id order, as touchRunning does, so the two cannot deadlock.
 */
export function settleSucceededAttempts(successes: readonly Success[]): RawBuilder<SettledRun> {
  const ids = successes.map((s) => s.run_id);
  const attempts = successes.map((s) => s.attempt);
  const results = successes.map((s) => (s.result === undefined ? null : JSON.stringify(s.result)));
  const logs = successes.map((s) => JSON.stringify(s.log));
  return sql<SettledRun>`
    ${sql.raw(PREPARE)} with v as (
      select * from unnest(${ids}::uuid[], ${attempts}::int[], ${results}::jsonb[], ${logs}::jsonb[]) as v(run_id, attempt, result, log)
    ), locked as (
      select l.run_id from runs l where l.run_id = any(${ids}::uuid[]) and l.status = 'running' order by l.run_id for update
    ), settled as (
      -- Each run found by its primary key through \`locked\`, which proved it running: locked, it
      -- stays so until this commits. A status condition on r would let the planner read the runs
      -- through a partial index on status instead, every entry of it, those of runs long ended
      -- included (0.2–0.3 ms a batch of 10 after a burst, bench/RESULTS.md).
      update runs r set status = 'succeeded', finished_at = now(), heartbeat_at = null, result = v.result, error = null, log = v.log
      from v join locked k on k.run_id = v.run_id
      where r.run_id = k.run_id and r.attempt = v.attempt
      returning r.*
    ), latest as (
      select distinct on (job_id) job_id, coalesce(started_at, finished_at, scheduled_for) as at, status
      from settled order by job_id, coalesce(started_at, finished_at, scheduled_for) desc
    ), outcome as (
      update jobs j set last_run_at = latest.at, last_run_status = latest.status from latest where j.job_id = latest.job_id
    )
    select s.*, (
      select q.run_id from runs q
      where q.job_id = s.job_id and q.status = 'scheduled' and q.trigger = 'schedule' and q.attempt = 1
      order by q.scheduled_for limit 1
    ) as queued_run_id
    from settled s`;
}

/** Ends a run that has not finished (cancel); undefined when it already had. */
export async function endUnfinishedRun(db: Db, runId: string, status: RunStatus, error: string): Promise<Run | undefined> {
  return db
    .updateTable('runs')
    .set({ status, error, finished_at: sql<Date>`now()`, heartbeat_at: null })
    .where('run_id', '=', runId)
    .where('status', 'in', ['scheduled', 'running'])
    .returningAll()
    .executeTakeFirst();
}

/**
 * Whether the job is full: as many of its runs running as it may have at once (`max_instances`,
 * else one), the rule insertOccurrenceRuns applies to scheduled occurrences.
 */
export async function atInstanceLimit(db: Db, jobId: string, maxInstances: number | null): Promise<boolean> {
  if (maxInstances === null) return hasRunningRun(db, jobId);
  const running = await db.selectFrom('runs').select((eb) => eb.fn.countAll<string>().as('n')).where('job_id', '=', jobId).where('status', '=', 'running').executeTakeFirstOrThrow();
  return Number(running.n) >= maxInstances;
}

/** Whether the job has a run in progress (other than `exceptRunId`). */
export async function hasRunningRun(db: Db, jobId: string, exceptRunId?: string): Promise<boolean> {
  let query = db.selectFrom('runs').select('run_id').where('job_id', '=', jobId).where('status', '=', 'running');
  if (exceptRunId !== undefined) query = query.where('run_id', '!=', exceptRunId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** The oldest occurrence waiting for its turn under `overlap: queue`. */
export async function oldestQueuedRun(db: Db, jobId: string): Promise<Run | undefined> {
  return db
    .selectFrom('runs')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('status', '=', 'scheduled')
    .where('trigger', '=', 'schedule')
    .where('attempt', '=', 1)
    .orderBy('scheduled_for')
    .limit(1)
    .executeTakeFirst();
}

/** Refreshes the heartbeat of this worker's running attempts; returns the ids still running (the others were cancelled or reaped). */
export async function touchRunning(db: Db, runIds: readonly string[]): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  // Rows locked in run_id order, as settleSucceededAttempts does: two multi-row updates of the same runs cannot deadlock.
  const rows = await db
    .updateTable('runs')
    .set({ heartbeat_at: sql<Date>`now()` })
    .where('run_id', 'in', (eb) => eb.selectFrom('runs as l').select('l.run_id').where('l.run_id', 'in', [...runIds]).where('l.status', '=', 'running').orderBy('l.run_id').forUpdate())
    .where('status', '=', 'running')
    .returning('run_id')
    .execute();
  return new Set(rows.map((r) => r.run_id));
}

/** Running runs whose worker has been silent since before `silentSince`. */
export async function silentRuns(db: Db, silentSince: Date, limit = 100): Promise<Run[]> {
  return db
    .selectFrom('runs')
    .selectAll()
    .where('status', '=', 'running')
    .where((eb) => eb.or([eb('heartbeat_at', '<', silentSince), eb('heartbeat_at', 'is', null)]))
    .orderBy('heartbeat_at')
    .limit(limit)
    .execute();
}

/** Jobs with an occurrence waiting under `overlap: queue` while nothing of theirs runs. */
export async function jobsWithStalledQueue(db: Db, olderThan: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('runs as r')
    .select('r.job_id')
    .distinct()
    .where('r.status', '=', 'scheduled')
    .where('r.trigger', '=', 'schedule')
    .where('r.attempt', '=', 1)
    .where('r.created_at', '<', olderThan)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('runs as o').select('o.run_id').whereRef('o.job_id', '=', 'r.job_id').where('o.status', '=', 'running'))))
    .limit(100)
    .execute();
  return rows.map((r) => r.job_id);
}

/** Deletes finished runs that ended before `before`; returns how many. */
export async function pruneRuns(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('runs')
    .where('finished_at', '<', before)
    .where('status', 'in', ['succeeded', 'failed', 'timed_out', 'cancelled', 'misfired', 'skipped'])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
