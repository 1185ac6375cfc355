import type { PgBoss } from 'pg-boss';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Job } from '../jobs/job.ts';
import { getJobForUpdate, updateJob } from '../jobs/repository.ts';
import { claimAttempt, findRun, hasRunningRun, insertDueOccurrenceRun, insertOccurrenceRun } from '../runs/repository.ts';
import { recordJobOutcome } from '../runs/job-bookkeeping.ts';
import type { Run } from '../runs/run.ts';
import { enqueueOccurrence } from '../scheduler/fire-queue.ts';
import { coalesce, planAfter } from '../scheduler/plan.ts';
import { getServiceState } from '../service-state/repository.ts';

/**
 * The claim sits between an occurrence's instant and its handler starting, so it commits without
 * waiting for the WAL flush (the flush is most of its time). Visibility and locking are unchanged,
 * so instances still cannot both claim; only a crash of PostgreSQL itself within a few ms of the
 * commit could forget a claim, and then the occurrence runs again after recovery.
 */
async function fastCommit(trx: Transaction<DB>): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(trx);
}

export interface ClaimDeps {
  db: Kysely<DB>;
  boss: PgBoss;
  host: string;
}

/** What handling one message decided. */
export type Claim =
  /** A run this process now owns and must execute. */
  | { kind: 'execute'; job: Job; run: Run; next: Date | null }
  /** Recorded (misfired, skipped, queued) or nothing to do (stale, taken elsewhere). */
  | { kind: 'done'; next: Date | null; recorded?: Run | undefined; superseded?: Run | undefined; job?: Job | undefined }
  /** The service is paused: hold the message and ask again. */
  | { kind: 'paused' };

/**
 * Handles an occurrence of a job in one transaction: coalesces a backlog, applies the misfire
 * grace and the overlap policy, writes the occurrence's run row (the exactly-once point), and
 * enqueues the next occurrence, so the row and the chain of occurrences commit together.
 * A message that no longer matches the job's pending occurrence (paused, rescheduled, deleted,
 * already handled by another instance) is stale and changes nothing.
 */
export async function claimOccurrence(deps: ClaimDeps, jobId: string, scheduledFor: Date): Promise<Claim> {
  return deps.db.transaction().execute(async (trx): Promise<Claim> => {
    await fastCommit(trx);
    const job = await getJobForUpdate(trx, jobId);
    if (!job || job.state !== 'running' || job.next_run_at?.getTime() !== scheduledFor.getTime()) return { kind: 'done', next: null };
    if ((await getServiceState(trx)) === 'paused') return { kind: 'paused' };

    const now = new Date();
    const plan = coalesce(job.schedule, scheduledFor, now, job.run_count);
    let superseded: Run | undefined;
    if (plan.superseded) {
      superseded = await insertOccurrenceRun(trx, {
        job_id: jobId,
        scheduled_for: scheduledFor,
        trigger: 'schedule',
        status: 'misfired',
        host: deps.host,
        error: `not run: later occurrences came due while it waited (the latest, ${plan.instant.toISOString()}, stands for them all)`,
      });
    }

    let run: Run | undefined;
    let runCount = job.run_count;
    if (plan.decision === 'misfired') {
      const late = now.getTime() - plan.instant.getTime();
      run = await insertOccurrenceRun(trx, {
        job_id: jobId,
        scheduled_for: plan.instant,
        trigger: 'schedule',
        status: 'misfired',
        host: deps.host,
        error: `started ${late} ms late, past misfire_grace_time (${job.schedule.misfireGraceMs} ms)`,
      });
    } else {
      // The overlap policy is applied by the insert itself (under `queue`, a new occurrence also
      // waits behind older queued ones: first in, first run).
      run = await insertDueOccurrenceRun(trx, {
        job_id: jobId,
        scheduled_for: plan.instant,
        host: deps.host,
        overlap: job.overlap,
        skippedError: 'not run: the previous run was still running (overlap: skip)',
      });
      if (run && run.status !== 'skipped') runCount++;
    }

    const next = planAfter(job.schedule, plan.instant, runCount);
    if (next !== null) await enqueueOccurrence(deps.boss, trx, jobId, next);
    const stored = await updateJob(trx, jobId, { next_run_at: next, run_count: runCount, ...(next === null ? { state: 'finished' as const } : {}) });
    if (run && run.status !== 'running' && run.status !== 'scheduled') await recordJobOutcome(trx, run);
    if (run?.status === 'running') return { kind: 'execute', job: stored, run, next };
    return { kind: 'done', next, recorded: run, superseded, job: stored };
  });
}

/**
 * Takes one attempt of an existing run (retry, run now, a queued occurrence's turn). A queued
 * occurrence still waits while another run of its job is running; the others start at once.
 */
export async function claimRunAttempt(deps: ClaimDeps, jobId: string, runId: string, attempt: number): Promise<Claim> {
  return deps.db.transaction().execute(async (trx): Promise<Claim> => {
    await fastCommit(trx);
    const job = await getJobForUpdate(trx, jobId);
    if (!job) return { kind: 'done', next: null };
    if ((await getServiceState(trx)) === 'paused') return { kind: 'paused' };
    const waiting = await findRun(trx, runId);
    if (!waiting || waiting.status !== 'scheduled' || waiting.attempt !== attempt) return { kind: 'done', next: null };
    const queuedOccurrence = waiting.trigger === 'schedule' && attempt === 1;
    if (queuedOccurrence && job.overlap !== 'allow' && (await hasRunningRun(trx, jobId))) return { kind: 'done', next: null };
    const run = await claimAttempt(trx, runId, attempt, deps.host);
    return run ? { kind: 'execute', job, run, next: null } : { kind: 'done', next: null };
  });
}
