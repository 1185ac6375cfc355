import type { Job } from '../jobs/job.ts';
import type { Run } from '../runs/run.ts';
import { settleRunDurably, settleSucceeded, type SettleDeps, type Succeeded } from './settle.ts';

/** Stores succeeded attempts, several per transaction when they end close together. */
export interface SuccessBatcher {
  /** Stores one succeeded attempt; resolves with the run as stored (undefined: cancelled or reaped meanwhile). */
  settle(job: Job, succeeded: Succeeded): Promise<Run | undefined>;
}

interface Waiting {
  job: Job;
  succeeded: Succeeded;
  resolve: (run: Run | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for successes: those ending in the same turn of the event loop are written
 * together at the next turn, those ending while a write is in flight by the next write (at most
 * `maxBatch` per transaction). This costs no latency when idle and, under load, one transaction
 * per batch instead of one per run. A
 * batch that fails is written again one run at a time (settleRunDurably: retried with backoff),
 * so one run the database rejects cannot hold back the others. Failed attempts are not batched:
 * their failure rows and retries keep settleRun's own transaction.
 */
export function createSuccessBatcher(deps: SettleDeps, maxBatch: number): SuccessBatcher {
  const waiting: Waiting[] = [];
  let writing = false;

  const writeOne = async (w: Waiting) => {
    const { run, result, log } = w.succeeded;
    await settleRunDurably(deps, w.job, run, { status: 'succeeded', result }, log).then((s) => w.resolve(s.run), w.reject);
  };

  const drain = async () => {
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, Math.max(1, maxBatch));
        try {
          const stored = await settleSucceeded(deps, batch.map((w) => w.succeeded));
          batch.forEach((w, i) => w.resolve(stored[i]));
        } catch (err) {
          deps.logger.warn({ err, runs: batch.length }, 'could not record a batch of succeeded runs; recording them one by one');
          await Promise.all(batch.map(writeOne));
        }
      }
    } finally {
      writing = false;
    }
  };

  return {
    settle(job, succeeded) {
      return new Promise<Run | undefined>((resolve, reject) => {
        waiting.push({ job, succeeded, resolve, reject });
        // Handlers of one fetched batch end in the same turn of the event loop: start the write
        // on the next turn, so they share it instead of the first going alone.
        if (!writing) {
          writing = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
