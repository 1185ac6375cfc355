import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { DB, RunLogLine } from '../db/schema.ts';
import { insertFailure } from '../failures/repository.ts';
import type { Job } from '../jobs/job.ts';
import { getJobForUpdate } from '../jobs/repository.ts';
import type { Logger } from '../log.ts';
import { dispatchQueued, dispatchQueuedRun, lockJobs, recordJobOutcome } from '../runs/job-bookkeeping.ts';
import { endUnfinishedRun, settleAttempt, settleSucceededAttempts } from '../runs/repository.ts';
import { pipelinedTransaction } from '../db/pipelined-transaction.ts';
import type { Run } from '../runs/run.ts';
import { enqueueAttempt } from '../scheduler/fire-queue.ts';
import type { ErrorInfo } from './execute-attempt.ts';
import { failsForTheData, sqlState } from './data-error.ts';
import { retryDelayMs } from './retry-delay.ts';
import { storableOutcome } from './storable.ts';

export interface SettleDeps {
  db: Kysely<DB>;
  boss: PgBoss;
  host: string;
  logger: Logger;
}

/** The end of an attempt, as it is to be stored; `final`: no retry, whatever the job's policy. */
export type Ending = { status: 'succeeded'; result: unknown } | { status: 'failed' | 'timed_out'; error: ErrorInfo; final?: boolean };

/** What settling decided: the run as stored, and when a retry was scheduled, its instant. */
export interface Settled {
  run: Run | undefined;
  retryAt: Date | null;
}

/**
 * Records how an attempt ended, in one transaction: the run row, a failure row for a failed
 * attempt, and either the retry (same run, next attempt, after the backoff delay) or the final
 * status on the job, then hands the turn to an occurrence queued behind it. Nothing is written
 * when the run is no longer this running attempt (cancelled or reaped meanwhile). What cannot be
 * stored as it is (NUL, lone surrogates, sizes past the caps) is stored made safe (storable.ts).
 */
export async function settleRun(deps: SettleDeps, job: Job, run: Run, ending: Ending, log: readonly RunLogLine[]): Promise<Settled> {
  if (ending.status === 'succeeded') return { run: (await settleSucceeded(deps, [{ run, result: ending.result, log }]))[0], retryAt: null };
  const safe = storableOutcome({ error: ending.error, log });
  const error = safe.error!;
  return deps.db.transaction().execute(async (trx): Promise<Settled> => {
    // The job row is the lock every writer of its runs takes first.
    const current = (await getJobForUpdate(trx, job.job_id)) ?? job;
    const retrying = ending.final !== true && run.attempt <= current.retries;
    const stored = await settleAttempt(trx, run.run_id, run.attempt, {
      status: ending.status,
      error: `${error.name}: ${error.message}`,
      log: safe.log,
      ...(retrying ? { nextAttempt: run.attempt + 1 } : {}),
    });
    if (!stored) return { run: undefined, retryAt: null };
    await insertFailure(trx, {
      job_id: job.job_id,
      run_id: run.run_id,
      handler: current.handler,
      kwargs: current.kwargs,
      owner: current.owner,
      error_name: error.name,
      message: error.message,
      stack: error.stack,
      attempt: run.attempt,
      host: deps.host,
    });
    let retryAt: Date | null = null;
    if (retrying) {
      retryAt = new Date(Date.now() + retryDelayMs(run.attempt, current.retry_delay_ms, current.retry_backoff));
      await enqueueAttempt(deps.boss, trx, job.job_id, run.run_id, run.attempt + 1, retryAt);
    } else {
      await recordJobOutcome(trx, stored);
    }
    await dispatchQueued(trx, deps.boss, job.job_id);
    return { run: stored, retryAt };
  });
}

/** A succeeded attempt waiting to be stored. */
export interface Succeeded {
  run: Run;
  result: unknown;
  log: readonly RunLogLine[];
}

/**
 * Stores succeeded attempts, of any jobs, in one transaction of one round trip: the jobs' row
 * locks (in job_id order) and one statement for the runs and the jobs' last outcome, sent
 * together with BEGIN and COMMIT. Then hands the turn to an occurrence queued behind each job.
 * Returns the runs as stored, in the order given; undefined for one no longer that running
 * attempt (cancelled or reaped meanwhile), which is left as it is.
 */
export async function settleSucceeded(deps: SettleDeps, succeeded: readonly Succeeded[]): Promise<Array<Run | undefined>> {
  // The job row is the lock every writer of its runs takes first. The settle runs once the locks
  // are held and reads the runs with its own snapshot, so it sees every occurrence queued behind
  // its jobs, and no claim can queue another before it commits.
  const lock = lockJobs(succeeded.map((s) => s.run.job_id));
  const settle = settleSucceededAttempts(
    succeeded.map((s) => {
      const safe = storableOutcome({ result: s.result, log: s.log });
      return { run_id: s.run.run_id, attempt: s.run.attempt, result: safe.result, log: safe.log };
    }),
  );
  const [, rows] = await pipelinedTransaction(deps.db, (tx) => tx.send([lock, settle], { commit: true }));
  const stored = new Map<string, Run>();
  const queued = new Map<string, string>();
  for (const { queued_run_id, ...run } of rows) {
    stored.set(run.run_id, run);
    if (queued_run_id !== null) queued.set(run.job_id, queued_run_id);
  }
  // After the commit: a queued occurrence keeps its place (a new one queues behind it, see
  // insertOccurrenceRuns) and its claim waits while a run of its job is running, so handing it
  // over outside the settle's transaction changes nothing; when it fails, the reaper hands it
  // over. One hand-over per job, even when several of its runs (overlap: allow, run now) ended together.
  for (const [jobId, runId] of queued) {
    await dispatchQueuedRun(deps.db, deps.boss, jobId, runId).catch((err: unknown) =>
      deps.logger.warn({ err, job_id: jobId, run_id: runId }, 'could not hand the turn to the queued occurrence; the reaper will'),
    );
  }
  return succeeded.map((s) => stored.get(s.run.run_id));
}

/**
 * settleRun, retried with backoff while the database is unreachable: an outcome (and above all a
 * failure row) is never dropped silently. Gives up after about two minutes by throwing, which
 * leaves the run to the reaper (its heartbeat stops). A write refused for a reason in the data
 * (failsForTheData) is not tried again as it is: the run is recorded failed, with no retry, as
 * `UnstorableOutcome` and the database's reason; should even that be refused, the run row alone
 * is ended so.
 */
export async function settleRunDurably(deps: SettleDeps, job: Job, run: Run, ending: Ending, log: readonly RunLogLine[]): Promise<Settled> {
  let unstorable = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await settleRun(deps, job, run, ending, log);
    } catch (err) {
      if (failsForTheData(err)) {
        const state = sqlState(err);
        const reason = `the database refused the outcome: ${err instanceof Error ? err.message : String(err)}${state ? ` (SQLSTATE ${state})` : ''}`;
        deps.logger.error({ err, job_id: job.job_id, run_id: run.run_id }, unstorable ? 'could not record a run as failed for its unstorable outcome; ending its row alone' : 'the outcome of a run cannot be stored; recording the run as failed');
        if (unstorable) return { run: await endUnfinishedRun(deps.db, run.run_id, 'failed', `UnstorableOutcome: ${reason}`), retryAt: null };
        unstorable = true;
        ending = { status: 'failed', final: true, error: { name: 'UnstorableOutcome', message: reason, stack: null } };
        log = [{ at: new Date().toISOString(), level: 'error', msg: `the outcome could not be stored: ${reason}` }];
        continue;
      }
      deps.logger.error({ err, job_id: job.job_id, run_id: run.run_id, attempt }, 'could not record the outcome of a run; retrying');
      if (attempt >= 12) throw err;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 15_000)));
    }
  }
}
