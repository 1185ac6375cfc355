import type { PgBoss } from 'pg-boss';
import type { Db } from '../jobs/repository.ts';
import type { Logger } from '../log.ts';
import { pruneFailures } from '../failures/repository.ts';
import { pruneRuns } from '../runs/repository.ts';

/** The queue the periodic maintenance job travels through (pg-boss schedule(): minute precision is plenty). */
export const MAINTENANCE_QUEUE = 'bosun-maintenance';

/** Deletes finished runs and failures older than `retentionMs`; returns the counts. */
export async function pruneOld(db: Db, retentionMs: number, now: Date = new Date()): Promise<{ runs: number; failures: number }> {
  const before = new Date(now.getTime() - retentionMs);
  return { runs: await pruneRuns(db, before), failures: await pruneFailures(db, before) };
}

/**
 * Registers the maintenance job (every 15 minutes, once across all instances, by pg-boss's own
 * schedule) and works it in this process. Returns a function that stops working it.
 */
export async function startRetention(boss: PgBoss, db: Db, retentionMs: number, logger: Logger): Promise<() => Promise<void>> {
  const log = logger.child({ component: 'retention' });
  if (!(await boss.getQueue(MAINTENANCE_QUEUE))) {
    await boss.createQueue(MAINTENANCE_QUEUE, { retryLimit: 1 }).catch(async (err: unknown) => {
      if (!(await boss.getQueue(MAINTENANCE_QUEUE))) throw err;
    });
  }
  await boss.schedule(MAINTENANCE_QUEUE, '*/15 * * * *');
  await boss.work(MAINTENANCE_QUEUE, async () => {
    const pruned = await pruneOld(db, retentionMs);
    log.info({ ...pruned, retention_days: retentionMs / 86_400_000 }, 'pruned old runs and failures');
  });
  return () => boss.offWork(MAINTENANCE_QUEUE, { wait: true });
}
