import type { PgBoss } from 'pg-boss';
import type { Job } from '../jobs/job.ts';
import { updateJob, type Db } from '../jobs/repository.ts';
import { dropOccurrence, enqueueOccurrence } from './fire-queue.ts';
import { planFrom, type PlanStart } from './plan.ts';

/**
 * Replaces a job's pending occurrence with the one its definition and state call for now, in
 * the caller's transaction (the job row should be locked): `start` says whether its schedule is
 * new (planned from now on) or resumed (misfire grace applies). A running job with nothing left
 * to fire becomes `finished`; a paused one holds no occurrence. Returns the job as stored.
 */
export async function reschedule(db: Db, boss: PgBoss, job: Job, start: PlanStart, now: Date = new Date()): Promise<Job> {
  if (job.next_run_at !== null) await dropOccurrence(boss, db, job.job_id, job.next_run_at);
  if (job.state !== 'running') {
    return job.next_run_at === null ? job : updateJob(db, job.job_id, { next_run_at: null });
  }
  const next = planFrom(job, now, start);
  if (next === null) return updateJob(db, job.job_id, { next_run_at: null, state: 'finished' });
  await enqueueOccurrence(boss, db, job.job_id, next);
  return updateJob(db, job.job_id, { next_run_at: next });
}

/** Drops a job's pending occurrence (pause, delete) in the caller's transaction. */
export async function unschedule(db: Db, boss: PgBoss, job: Job): Promise<Job> {
  if (job.next_run_at === null) return job;
  await dropOccurrence(boss, db, job.job_id, job.next_run_at);
  return updateJob(db, job.job_id, { next_run_at: null });
}
