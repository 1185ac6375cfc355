import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from './schema.ts';
import type { Logger } from '../log.ts';
import { prepareRepeatedStatements } from './prepared-statements.ts';
import { parseTimestamptz } from './timestamptz-parser.ts';
import { pipelineThrough } from './pipelined-transaction.ts';
import { trackPoolClients } from './pool-clients.ts';

export type Db = Kysely<DB>;

/** A pool to bosun's database and the Kysely instance over it. */
export interface Database {
  db: Db;
  pool: pg.Pool;
  /** Whether a trivial query answers now. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// bigint counts (e.g. count(*)) come back as strings unless told otherwise, and ours stay far
// below 2^53. timestamptz → Date as pg does it, faster (see the parser).
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, parseTimestamptz);

/** Opens the pool; connection errors of idle clients are logged, never fatal (Postgres may restart). */
export function openDatabase(url: string, logger: Logger, max = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'bosun' });
  const clients = trackPoolClients(pool);
  pool.on('error', (err) => {
    if (clients.closing) logger.debug({ err: { message: err.message } }, 'database connection closed while stopping');
    else logger.warn({ err: { message: err.message } }, 'idle database connection lost');
  });
  // A dropped connection may emit 'error' again once pg-pool's listener is off it: never fatal.
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('connect', prepareRepeatedStatements);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pipelineThrough(db, pool);
  let closing: Promise<void> | undefined;
  return {
    db,
    pool,
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close() {
      // Ends the pool, then waits for its connections to close (src/db/pool-clients.ts).
      closing ??= Promise.all([clients.drained(), db.destroy()]).then(() => undefined);
      return closing;
    },
  };
}
