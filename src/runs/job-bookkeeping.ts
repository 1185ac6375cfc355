import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { JobState, JobsTable } from '../db/schema.ts';
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

/** Under `overlap: queue`: hands the oldest waiting occurrence of the job to a worker, now. */
export async function dispatchQueued(db: Db, boss: PgBoss, jobId: string): Promise<void> {
  const next = await oldestQueuedRun(db, jobId);
  if (next) await dispatchQueuedRun(db, boss, jobId, next.run_id);
}

/** Hands a waiting occurrence (found by the caller, under the job's lock) to a worker, now. */
export async function dispatchQueuedRun(db: Db, boss: PgBoss, jobId: string, runId: string): Promise<void> {
  await enqueueAttempt(boss, db, jobId, runId, 1, new Date(), randomUUID());
}

/** What claiming an occurrence changes on its job: the next occurrence, the run count, and the outcome of a run recorded without running. */
export interface ClaimedJobUpdate {
  job_id: string;
  next_run_at: Date | null;
  run_count: number;
  state: JobState;
  /** A run recorded as misfired or skipped: copied onto the job like recordJobOutcome. */
  outcome?: Run | undefined;
}

/**
 * The statement that applies the claims of a fetched batch to their jobs, returning the jobs'
 * rows as stored. `alsoWrite` are more data-modifying statements (pg-boss's insert of the next
 * occurrences, its completion of the fetched messages) made by the same statement: one round
 * trip for all of them.
 */
export function updateClaimedJobs(updates: readonly ClaimedJobUpdate[], alsoWrite: ReadonlyArray<RawBuilder<unknown>> = []): RawBuilder<Selectable<JobsTable>> {
  const outcomeAt = updates.map((u) => (u.outcome ? (u.outcome.started_at ?? u.outcome.finished_at ?? u.outcome.scheduled_for) : null));
  // Each unreferenced CTE still runs: PostgreSQL executes every data-modifying one exactly once.
  const writes = alsoWrite.map((w, i) => sql`, ${sql.raw(`also_${i}`)} as (${w})`);
  return sql<Selectable<JobsTable>>`
    ${sql.raw(PREPARE)} with claimed as (
      update jobs j set next_run_at = v.next_run_at, run_count = v.run_count, state = v.state, updated_at = now(),
        last_run_at = case when v.outcome_status is null then j.last_run_at else v.outcome_at end,
        last_run_status = coalesce(v.outcome_status, j.last_run_status)
      from unnest(${updates.map((u) => u.job_id)}::text[], ${updates.map((u) => u.next_run_at)}::timestamptz[], ${updates.map((u) => u.run_count)}::int[],
        ${updates.map((u) => u.state)}::text[], ${outcomeAt}::timestamptz[], ${updates.map((u) => u.outcome?.status ?? null)}::text[])
        as v(job_id, next_run_at, run_count, state, outcome_at, outcome_status)
      where j.job_id = v.job_id
      returning j.*
    )${sql.join(writes, sql``)}
    select * from claimed`;
}
