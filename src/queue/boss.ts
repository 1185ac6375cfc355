import { PgBoss } from 'pg-boss';
import type { Logger } from '../log.ts';
import { createBossDb, type BossDb } from './boss-db.ts';

export type { PgBoss };

const databases = new WeakMap<PgBoss, BossDb>();

/**
 * Stops pg-boss and waits until its connections are closed. Its 'stopped' event ends the pool
 * without waiting; a PostgreSQL stopped right after would terminate those connections and each
 * would be logged as lost.
 */
export async function stopBoss(boss: PgBoss, options: { graceful: boolean; timeout?: number }): Promise<void> {
  await boss.stop({ ...options, close: true });
  await databases.get(boss)?.close();
}

/** Starts pg-boss on bosun's database in its own schema; its errors are logged, never unhandled. */
export async function startBoss(url: string, schema: string, logger: Logger): Promise<PgBoss> {
  const log = logger.child({ component: 'pg-boss' });
  // Our own pool and LISTEN connection (src/queue/boss-db.ts): pg-boss 12's listener can crash
  // the process when PostgreSQL restarts.
  const db = createBossDb(url, logger);
  // Trace context travels in bosun's own message data (src/tracing/message-trace.ts): pg-boss
  // keeps what it would propagate to its work() loop, which bosun's fetch loop does not use.
  const boss = new PgBoss({ db, schema, useListenNotify: true });
  // pg-boss emits 'error' for background failures (maintenance, lost connections);
  // an EventEmitter without a listener would crash the process on them.
  boss.on('error', (err) => log.error({ err }, 'pg-boss error'));
  boss.on('warning', (warning) => log.warn({ warning }, 'pg-boss warning'));
  // pg-boss does not close a database it was given: end the pool once it has stopped.
  boss.once('stopped', () => void db.close());
  databases.set(boss, db);
  try {
    await boss.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  return boss;
}
