import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { DB, RunLogLine } from '../db/schema.ts';
import { getJob } from '../jobs/repository.ts';
import type { Logger } from '../log.ts';
import { dispatchQueued } from '../runs/job-bookkeeping.ts';
import { jobsWithStalledQueue, silentRuns } from '../runs/repository.ts';
import { getServiceState } from '../service-state/repository.ts';
import { settleRun } from '../worker/settle.ts';
import { FIRE_QUEUE, type FireMessage } from './fire-queue.ts';
import { deterministicUuid, occurrenceMessageId } from './message-id.ts';
import { fromKysely } from 'pg-boss';

export interface ReaperOptions {
  db: Kysely<DB>;
  boss: PgBoss;
  logger: Logger;
  host: string;
  /** A running attempt whose worker has been silent this long is declared lost. */
  silentAfterMs: number;
  /**
   * An occurrence this overdue whose message is not waiting in the queue (taken by a process
   * that died or lost its database before claiming it, or gone) is fired again.
   */
  overdueAfterMs: number;
}

// States of a pg-boss message that a worker will still fetch: such an occurrence is only late
// (a backlog), not lost, and a second message would add work without changing the outcome.
const WAITING = new Set(['created', 'retry']);

/**
 * One pass of the scheduler's safety net, so nothing waits or runs forever:
 * - a `running` attempt whose worker stopped heartbeating (kill -9, lost host) is settled as a
 *   failed attempt (failure row `WorkerLost`) and retried or failed by the job's policy;
 * - an occurrence queued behind a run that has ended is handed to a worker;
 * - a job whose pending occurrence is long overdue gets a fresh message for it (claiming is
 *   idempotent, so a duplicate changes nothing).
 */
export async function reap(options: ReaperOptions): Promise<{ lost: number; dispatched: number; refired: number }> {
  const { db, boss } = options;
  const now = Date.now();
  let lost = 0;
  {
    // Each settle is its own transaction, guarded by the run's status and attempt: of several
    // reapers (one per instance) only one settles a given run.
    for (const run of await silentRuns(db, new Date(now - options.silentAfterMs))) {
      const job = await getJob(db, run.job_id).catch(() => undefined);
      if (!job) continue;
      const settled = await settleRun({ db, boss, host: run.host ?? options.host, logger: options.logger }, job, run, {
        status: 'failed',
        error: { name: 'WorkerLost', message: `the process running this attempt on ${run.host ?? 'an unknown host'} stopped (no heartbeat for ${options.silentAfterMs / 1000} s)`, stack: null },
      }, run.log as unknown as RunLogLine[]);
      if (settled.run) {
        lost++;
        options.logger.warn({ job_id: run.job_id, run_id: run.run_id, attempt: run.attempt, retry_at: settled.retryAt }, 'run lost with its worker');
      }
    }
  }

  let dispatched = 0;
  for (const jobId of await jobsWithStalledQueue(db, new Date(now - 2000))) {
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('jobs').select('job_id').where('job_id', '=', jobId).forUpdate().execute();
      await dispatchQueued(trx, boss, jobId);
    });
    dispatched++;
  }

  let refired = 0;
  if ((await getServiceState(db)) === 'running') {
    const overdue = await db
      .selectFrom('jobs')
      .select(['job_id', 'next_run_at'])
      .where('state', '=', 'running')
      .where('next_run_at', '<', sql<Date>`now() - ${`${options.overdueAfterMs} milliseconds`}::interval`)
      .limit(500)
      .execute();
    for (const { job_id, next_run_at } of overdue) {
      if (!next_run_at) continue;
      // A message is completed as soon as its claim commits (milliseconds), so one still active
      // after overdueAfterMs was taken by a process that died or lost the database mid-claim; it
      // would otherwise wait for pg-boss's expiry (15 min).
      const message = await boss.getJobById(FIRE_QUEUE, occurrenceMessageId(job_id, next_run_at));
      if (message && WAITING.has(message.state)) continue;
      if (message && message.state === 'active' && message.startedOn && now - new Date(message.startedOn).getTime() < options.overdueAfterMs) continue;
      // A worker may have claimed it since the jobs were read (the message then looks done or
      // gone): a claim moves next_run_at before or with the message's completion, so an
      // occurrence still pending now was not claimed.
      const pending = await db.selectFrom('jobs').select('next_run_at').where('job_id', '=', job_id).where('state', '=', 'running').executeTakeFirst();
      if (pending?.next_run_at?.getTime() !== next_run_at.getTime()) continue;
      const data: FireMessage = { kind: 'occurrence', job_id, scheduled_for: next_run_at.toISOString() };
      // One recovery message per overdue window, whichever instance sends it; claiming is
      // idempotent (job row lock, next_run_at check, unique run index), so a duplicate changes nothing.
      const window = String(Math.floor(now / options.overdueAfterMs));
      const sent = await boss.send(FIRE_QUEUE, data, { id: deterministicUuid('recovery', job_id, next_run_at.toISOString(), window), db: fromKysely(db) });
      if (sent) {
        refired++;
        options.logger.warn({ job_id, scheduled_for: next_run_at, message_state: message?.state ?? 'missing' }, 'overdue occurrence fired again (its message was lost)');
      }
    }
  }
  return { lost, dispatched, refired };
}

/** Runs reap() every `intervalMs`; returns a function that stops it and waits for a pass in flight. */
export function startReaper(options: ReaperOptions & { intervalMs: number }): () => Promise<void> {
  let pass: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (pass || stopped) return;
    pass = reap(options)
      .then((r) => {
        if (r.lost || r.dispatched || r.refired) options.logger.info(r, 'reaper pass');
      })
      .catch((err: unknown) => options.logger.error({ err }, 'reaper pass failed'))
      .finally(() => (pass = undefined));
  };
  const timer = setInterval(tick, options.intervalMs);
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    // The pool closes after the engine stops: a pass still running would fail on it.
    await pass;
  };
}
