import { createHash } from 'node:crypto';
import type { PgBoss } from 'pg-boss';

/**
 * The channel pg-boss NOTIFYs on when a job of a notify-enabled queue becomes ready (its
 * plans.notifyChannelSql: 'pgboss_' + the first 24 hex digits of sha224 of the schema name).
 */
export function bossNotifyChannel(schema: string): string {
  return `pgboss_${createHash('sha224').update(/^"[a-z_][a-z0-9_]*"$/.test(schema) ? schema.slice(1, -1) : schema).digest('hex').slice(0, 24)}`;
}

interface Listening {
  listen?(channel: string, onNotification: (payload: string) => void, onReconnect: () => void): Promise<{ close(): Promise<void> }>;
}

/**
 * Calls `onReady` whenever pg-boss announces a ready job on `queue` (and after the listener
 * reconnects, when announcements may have been missed), on pg-boss's own database connection.
 * For a fetch loop of our own, which pg-boss's NOTIFY (meant for its work() workers) never wakes.
 */
export async function listenForQueue(boss: PgBoss, schema: string, queue: string, onReady: () => void): Promise<{ close(): Promise<void> }> {
  const db = boss.getDb() as unknown as Listening;
  if (typeof db.listen !== 'function') throw new Error('the pg-boss database has no LISTEN');
  return db.listen(bossNotifyChannel(schema), (payload) => payload === queue && onReady(), onReady);
}
