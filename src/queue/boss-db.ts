import pg from 'pg';
import type { Logger } from '../log.ts';
import { trackPoolClients } from '../db/pool-clients.ts';

/** What pg-boss asks of a database it is given (`new PgBoss({ db })`), LISTEN included. */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  /** LISTEN on `channel` on a connection of its own, re-established after any drop; onReconnect after each re-LISTEN. */
  listen(channel: string, onNotification: (payload: string) => void, onReconnect: () => void): Promise<{ close(): Promise<void> }>;
  /** Ends the pool (pg-boss does not close a database it was given); idempotent. */
  close(): Promise<void>;
}

/**
 * pg-boss's database: a pool of its own and a LISTEN connection that survives PostgreSQL
 * restarts. pg-boss 12's built-in listener takes every listener off its connection when it
 * drops and then closes it; the second 'error' such a connection emits ("Connection terminated
 * unexpectedly") then has no listener and ends the process. Here each LISTEN client keeps its
 * 'error' listener for its whole life, so a drop is logged and reconnected, never thrown.
 */
export function createBossDb(url: string, logger: Logger, max = 10): BossDb {
  const log = logger.child({ component: 'pg-boss-db' });
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'bosun-queue' });
  const clients = trackPoolClients(pool);
  // An idle pooled connection that drops emits on the pool; the pool replaces it.
  pool.on('error', (err) => {
    if (clients.closing) log.debug({ err: { message: err.message } }, 'pg-boss connection closed while stopping');
    else log.warn({ err: { message: err.message } }, 'pg-boss pool connection lost');
  });
  // A dropped connection can emit 'error' again after pg-pool took its own listener off (checked
  // out, or already removed as broken): a permanent listener keeps that from ending the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  const listeners = new Set<{ close(): Promise<void> }>();

  const listen: BossDb['listen'] = async (channel, onNotification, onReconnect) => {
    let closed = false;
    let established = false;
    let client: pg.Client | null = null;
    let retry: NodeJS.Timeout | undefined;
    let attempt = 0;

    const lost = (c: pg.Client, err: unknown) => {
      if (client !== c) return; // this connection's loss was handled already (drops emit more than once)
      client = null;
      c.end().catch(() => {});
      if (closed || !established) return;
      const backoff = Math.min(10_000, 250 * 2 ** Math.min(attempt++, 6));
      log.warn({ err, retry_in_ms: backoff }, 'LISTEN connection lost; reconnecting');
      retry = setTimeout(() => {
        retry = undefined;
        connect().then(onReconnect, () => {});
      }, backoff);
      retry.unref();
    };

    const connect = async () => {
      if (closed) return;
      const c = new pg.Client({ connectionString: url, application_name: 'bosun-listen', keepAlive: true });
      // Never removed: see the function's doc.
      c.on('error', (err) => lost(c, err));
      c.on('end', () => lost(c, new Error('LISTEN connection ended')));
      c.on('notification', (msg) => {
        if (msg.payload !== undefined) onNotification(msg.payload);
      });
      client = c;
      try {
        await c.connect();
        await c.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
      } catch (err) {
        lost(c, err);
        throw err;
      }
      attempt = 0;
      if (established) log.info('LISTEN connection re-established');
      established = true;
    };

    await connect();
    const handle = {
      async close() {
        closed = true;
        listeners.delete(handle);
        clearTimeout(retry);
        const c = client;
        client = null;
        if (c) await c.end().catch(() => {});
      },
    };
    listeners.add(handle);
    return handle;
  };

  let closing: Promise<void> | undefined;
  return {
    executeSql: (text, values) => pool.query(text, values),
    listen,
    close() {
      // Once: pool.end() a second time rejects, and every caller waits for the same end.
      closing ??= (async () => {
        for (const l of [...listeners]) await l.close();
        const drained = clients.drained();
        await pool.end().catch(() => {});
        await drained;
      })();
      return closing;
    },
  };
}
