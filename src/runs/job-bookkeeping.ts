import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import type { Db } from '../jobs/repository.ts';
import { enqueueAttempt } from '../scheduler/fire-queue.ts';
import { oldestQueuedRun } from './repository.ts';
import type { Run } from './run.ts';

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
