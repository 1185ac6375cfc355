import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { sql, type RawBuilder } from 'kysely';
import type { Job } from '../jobs/job.ts';
import { rowToJob, type Db } from '../jobs/repository.ts';
import { enqueueAttempt } from '../scheduler/fire-queue.ts';
import { oldestQueuedRun } from './repository.ts';
import type { Run } from './run.ts';
import { PREPARE } from '../db/prepared-statements.ts';

/** Takes the row locks of jobs, in job_id order (the order every multi-job writer takes them), reading nothing. */
export function lockJobs(jobIds: readonly string[]): RawBuilder<unknown> {
  return sql`${sql.raw(PREPARE)} select 1 from jobs where job_id = any(${[...new Set(jobIds)]}::text[]) order by job_id for update`;
}

/** Copies a run's outcome onto its job (last run time and status), in the settling transaction. */
export async function recordJobOutcome(db: Db, run: Run): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ last_run_at: run.started_at ?? run.finished_at ?? run.scheduled_for, last_run_status: run.status })
    .where('job_id', '=', run.job_id)
    .execute();
}

/**
 * Counts a run started by hand on its job. Apart from `run_count`, which counts scheduled
 * occurrences only: `max_runs` bounds the schedule, and running a job by hand does not shorten it.
 */
export async function countManualRun(db: Db, jobId: string): Promise<void> {
  await db.updateTable('jobs').set({ manual_run_count: sql<number>`manual_run_count + 1` }).where('job_id', '=', jobId).execute();
}

/** Under `overlap: queue`: hands the oldest waiting occurrence of the job to a worker, now. */
export async function dispatchQueued(db: Db, boss: PgBoss, jobId: string): Promise<void> {
  const next = await oldestQueuedRun(db, jobId);
  if (next) await dispatchQueuedRun(db, boss, jobId, next.run_id);
}

/** Hands a waiting occurrence (found by the caller, under the job's lock) to a worker, now. */
export async function dispatchQueuedRun(db: Db, boss: PgBoss, jobId: string, runId: string): Promise<void> {
  await enqueueAttempt(boss, db, jobId, runId, 1, new Date(), randomUUID());
}

/**
 * What claiming an occurrence changes on its job. Whether it ran (its run inserted `running` or
 * `scheduled`) is known only once its run is inserted, in the same statement, so both outcomes
 * are planned: they differ only when the run would exhaust `max_runs` (`next_if_ran` null).
 */
export interface ClaimedJobUpdate {
  job_id: string;
  /** The instant whose run decides the outcome (the one the claim recorded or ran). */
  instant: Date;
  /** Whether the occurrence was due to run (else misfired: it cannot count as a run). */
  due: boolean;
  /** The run count before this occurrence. */
  run_count: number;
  next_if_ran: Date | null;
  next_if_not: Date | null;
}

/**
 * The update that applies the claims of a fetched batch to their jobs, as a fragment for a
 * statement whose CTE `runs` (the name given) inserted their occurrences' runs: an occurrence
 * ran when its run was inserted `running` or `scheduled`, which counts it and picks its next
 * instant; one recorded without running (`misfired`, `skipped`) becomes the job's last outcome,
 * as recordJobOutcome does. `from` is the from-item `v(job_id, instant, due, run_count,
 * next_if_ran, next_if_not)` of the updates: claimedJobUpdates, or a statement's own query.
 * Returns each job's id, its next instant (null: finished) and its whole row as `job`.
 */
export function updateClaimedJobs(from: RawBuilder<unknown>, runs: string): RawBuilder<{ job_id: string; next_run_at: Date | null; job: unknown }> {
  return sql`
    update jobs j set next_run_at = c.next_run_at, run_count = c.run_count, updated_at = now(),
      state = case when c.next_run_at is null then 'finished' else j.state end,
      last_run_at = case when c.recorded then coalesce(c.started_at, c.finished_at, c.scheduled_for) else j.last_run_at end,
      last_run_status = case when c.recorded then c.status else j.last_run_status end
    from (
      select v.job_id, r.status, r.started_at, r.finished_at, r.scheduled_for, r.status not in ('running', 'scheduled') as recorded,
        v.run_count + case when x.ran then 1 else 0 end as run_count,
        case when x.ran then v.next_if_ran else v.next_if_not end as next_run_at
      from ${from}
      left join ${sql.table(runs)} r on r.job_id = v.job_id and r.scheduled_for = v.instant
      cross join lateral (select v.due and r.status in ('running', 'scheduled') as ran) x
    ) c
    where j.job_id = c.job_id
    returning j.job_id, j.next_run_at, j as job`;
}

/** The worker's updates as updateClaimedJobs's from-item. */
export function claimedJobUpdates(updates: readonly ClaimedJobUpdate[]): RawBuilder<unknown> {
  return sql`unnest(${updates.map((u) => u.job_id)}::text[], ${updates.map((u) => u.instant)}::timestamptz[], ${updates.map((u) => u.due)}::bool[],
        ${updates.map((u) => u.run_count)}::int[], ${updates.map((u) => u.next_if_ran)}::timestamptz[], ${updates.map((u) => u.next_if_not)}::timestamptz[])
        as v(job_id, instant, due, run_count, next_if_ran, next_if_not)`;
}
