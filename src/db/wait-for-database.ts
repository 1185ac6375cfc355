// A database that comes up a little after bosun (a container started beside it, a failover) is
// normal: bosun waits for it with backoff, saying so, up to BOSUN_DB_WAIT. A mistake that waiting
// cannot fix (a wrong password, a missing database, a host name that does not resolve) fails at
// once. Either way the error names DATABASE_URL with its password masked, and carries no stack.
import pg from 'pg';
import { ConfigError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { redactText } from '../redaction/redact-text.ts';

export interface WaitOptions {
  /** How long to keep trying; 0 tries once. */
  waitMs: number;
  logger: Logger;
  /** The setting the URL came from, named in errors. */
  setting?: string;
}

// Connection failures that a server starting (or restarting) gives: worth another try.
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);
// cannot_connect_now (starting up, shutting down, in recovery), too_many_connections, admin_shutdown, crash_shutdown.
const TRANSIENT_SQLSTATES = new Set(['57P03', '53300', '57P01', '57P02']);
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;
const CONNECT_TIMEOUT_MS = 10_000;

/** The URL as it may be shown: its password (and any secret query value, `?password=`) as `***`; the user stays. */
export function shownDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
  if (parsed.password !== '') parsed.password = '***';
  const query = parsed.search;
  parsed.search = '';
  return `${parsed.href}${redactText(query)}`;
}

/** Whether waiting could fix this connection error. */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && (TRANSIENT_CODES.has(e.code) || TRANSIENT_SQLSTATES.has(e.code))) return true;
  // pg's own: the server closed the socket before answering, or connectionTimeoutMillis passed.
  return typeof e?.message === 'string' && /Connection terminated|timeout expired/i.test(e.message);
}

/** Connects once and asks `select 1`; resolves when the database answers, throws ConfigError when it never does. */
export async function waitForDatabase(url: string, options: WaitOptions): Promise<void> {
  const setting = options.setting ?? 'DATABASE_URL';
  const shown = shownDatabaseUrl(url);
  const deadline = Date.now() + options.waitMs;
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await answers(url);
      if (attempt > 1) options.logger.info({ database: shown, attempts: attempt }, 'database reachable');
      return;
    } catch (err) {
      const reason = redactText(err instanceof Error ? err.message : String(err));
      if (!isTransient(err)) throw new ConfigError(setting, `cannot use the database at ${shown}: ${reason}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const waited = options.waitMs > 0 ? ` after waiting ${Math.round(options.waitMs / 1000)} s (BOSUN_DB_WAIT)` : '';
        throw new ConfigError(setting, `no database answers at ${shown}${waited}: ${reason}`);
      }
      const wait = Math.min(delay, left);
      options.logger.warn({ database: shown, reason, attempt, retry_in_ms: wait }, 'waiting for the database');
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

async function answers(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'bosun' });
  // A connection dropped after connect() emits 'error'; it must never end the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => {});
  }
}
