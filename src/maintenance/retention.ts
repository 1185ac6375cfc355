import type { PgBoss } from 'pg-boss';
import type { Db } from '../jobs/repository.ts';
import type { Logger } from '../log.ts';
import { pruneAuditEntries } from '../audit/repository.ts';
import { pruneFailures } from '../failures/repository.ts';
import { pruneRuns } from '../runs/repository.ts';

/** The queue the periodic maintenance job travels through (pg-boss schedule(): minute precision is plenty). */
export const MAINTENANCE_QUEUE = 'bosun-maintenance';

const DAY = 86_400_000;

/** How long the audit log is kept when BOSUN_AUDIT_RETENTION_DAYS is unset. */
export const DEFAULT_AUDIT_RETENTION_MS = 365 * DAY;

/** How long what bosun records is kept. */
export interface Retention {
  /** Finished runs and failure rows. */
  runsMs: number;
  /** Audit entries: kept apart from runs, since who changed what is asked about long after the runs. */
  auditMs: number;
}

/** Deletes finished runs and failures older than `runsMs` and audit entries older than `auditMs`; returns the counts. */
export async function pruneOld(db: Db, retention: Retention, now: Date = new Date()): Promise<{ runs: number; failures: number; audit: number }> {
  const before = (ms: number) => new Date(now.getTime() - ms);
  return {
    runs: await pruneRuns(db, before(retention.runsMs)),
    failures: await pruneFailures(db, before(retention.runsMs)),
    audit: await pruneAuditEntries(db, before(retention.auditMs)),
  };
}

/**
 * Registers the maintenance job (every 15 minutes, once across all instances, by pg-boss's own
 * schedule) and works it in this process. Returns a function that stops working it.
 */
export async function startRetention(boss: PgBoss, db: Db, retention: Retention, logger: Logger): Promise<() => Promise<void>> {
  const log = logger.child({ component: 'retention' });
  if (!(await boss.getQueue(MAINTENANCE_QUEUE))) {
    await boss.createQueue(MAINTENANCE_QUEUE, { retryLimit: 1 }).catch(async (err: unknown) => {
      if (!(await boss.getQueue(MAINTENANCE_QUEUE))) throw err;
    });
  }
  await boss.schedule(MAINTENANCE_QUEUE, '*/15 * * * *');
  await boss.work(MAINTENANCE_QUEUE, async () => {
    const pruned = await pruneOld(db, retention);
    log.info({ ...pruned, retention_days: retention.runsMs / DAY, audit_retention_days: retention.auditMs / DAY }, 'pruned old runs, failures and audit entries');
  });
  return () => boss.offWork(MAINTENANCE_QUEUE, { wait: true });
}
