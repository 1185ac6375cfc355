// The PostgreSQL a benchmark runs on: DATABASE_URL's server when set, else an embedded one in a
// temporary folder. Every measurement gets a fresh database on it, so bosun and its baseline
// share the server, its settings and its disk, and nothing left from one run skews the next.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import type { Logger } from '../../src/log.ts';

/** A server to make databases on, and how to stop it (a no-op for an external one). */
export interface BenchServer {
  /** Creates an empty database and returns its URL. */
  database(prefix: string): Promise<string>;
  /** Drops a database made by database() (its connections closed first). */
  dropDatabase(databaseUrl: string): Promise<void>;
  /** The statements that took the most time in `databaseUrl` since the last resetStatements (null without pg_stat_statements). */
  topStatements(databaseUrl: string, limit?: number): Promise<StatementTime[] | null>;
  /** Forgets the statement times gathered so far. */
  resetStatements(databaseUrl: string): Promise<void>;
  /** Describes the server for the results (version, embedded or external). */
  describe(): Promise<string>;
  stop(): Promise<void>;
}

/** One statement's share of the database's time. */
export interface StatementTime {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
}

/** Starts (or connects to) the benchmark's PostgreSQL. */
export async function benchServer(logger: Logger): Promise<BenchServer> {
  let url = process.env.DATABASE_URL;
  let stopServer = async () => {};
  const embedded = url === undefined;
  if (!url) {
    const dataDir = await mkdtemp(join(tmpdir(), 'bosun-bench-pg-'));
    const start = () => startEmbeddedPostgres({ dataDir, port: 56000 + Math.floor(Math.random() * 900), logger, binDir: process.env.BOSUN_PG_BIN_DIR });
    let server = await start();
    // pg_stat_statements (loaded at server start) lets a benchmark say which query its time went to.
    const setup = new pg.Client({ connectionString: server.url });
    await setup.connect();
    await setup.query("alter system set shared_preload_libraries = 'pg_stat_statements'");
    await setup.end();
    await server.stop();
    server = await start();
    url = server.url;
    stopServer = async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const admin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withClient(url, fn);
  return {
    async database(prefix) {
      const name = `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
      await admin((c) => c.query(`create database ${name}`));
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async dropDatabase(databaseUrl) {
      const name = new URL(databaseUrl).pathname.slice(1);
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
    async topStatements(databaseUrl, limit = 8) {
      return withClient(databaseUrl, async (c) => {
        try {
          const { rows } = await c.query<{ query: string; calls: string; total: number; mean: number }>(
            `select query, calls, total_exec_time as total, mean_exec_time as mean from pg_stat_statements
              where dbid = (select oid from pg_database where datname = current_database()) order by total_exec_time desc limit $1`,
            [limit],
          );
          return rows.map((r) => ({ query: r.query.replace(/\s+/g, ' ').slice(0, 160), calls: Number(r.calls), totalMs: r.total, meanMs: r.mean }));
        } catch {
          return null;
        }
      });
    },
    async resetStatements(databaseUrl) {
      await withClient(databaseUrl, async (c) => {
        await c.query('create extension if not exists pg_stat_statements').catch(() => {});
        await c.query('select pg_stat_statements_reset()').catch(() => {});
      });
    },
    async describe() {
      const version = await admin(async (c) => (await c.query<{ server_version: string }>('show server_version')).rows[0]!.server_version);
      return `PostgreSQL ${version} (${embedded ? 'embedded, default settings' : 'DATABASE_URL'})`;
    },
    stop: stopServer,
  };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
