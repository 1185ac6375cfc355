// The embedded PostgreSQL's data folder (src/db/embedded-postgres.ts). As root, PostgreSQL runs as
// the `postgres` user: the folders bosun creates above the cluster's must let it through (a fresh
// clone's `.bosun/` was once created private, and `npm start` as root failed inside initdb), and
// a folder it cannot reach must be named in a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../../src/db/embedded-postgres.ts';
import { ConfigError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/log.ts';

const logger = createLogger('warn', false);
const asRoot = process.getuid?.() === 0;
const start = (dataDir: string) => startEmbeddedPostgres({ dataDir, port: 55000 + Math.floor(Math.random() * 900), logger, binDir: process.env.BOSUN_PG_BIN_DIR });

test('a data folder whose parents do not exist yet: they are created open, the cluster private, and the server answers', { timeout: 120_000 }, async () => {
  const base = await mkdtemp(join(tmpdir(), 'bosun-folders-'));
  try {
    // The mode a checkout usually has (mkdtemp's own is private).
    await chmod(base, 0o755);
    const dataDir = join(base, '.bosun', 'pg');
    const server = await start(dataDir);
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      assert.equal((await client.query<{ one: number }>('select 1 as one')).rows[0]?.one, 1);
      await client.end();
    } finally {
      await server.stop();
    }
    assert.equal((await stat(join(base, '.bosun'))).mode & 0o777, 0o755 & ~process.umask(), 'the folder above the cluster keeps the usual mode');
    assert.equal((await stat(dataDir)).mode & 0o777, 0o700, "the cluster's folder is private");
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

const unreachable = (err: unknown) => {
  assert.ok(err instanceof ConfigError);
  assert.equal(err.field, 'BOSUN_DATA_DIR');
  assert.match(err.message, /system user "postgres", which cannot reach .*bosun-folders-closed-.*\/pg/);
  return true;
};

test('as root, a data folder the postgres user cannot reach is refused with an error naming BOSUN_DATA_DIR, new or existing', { skip: !asRoot && 'only root runs PostgreSQL as another user', timeout: 120_000 }, async () => {
  // mkdtemp's folder is private to root: the postgres user cannot enter it.
  const base = await mkdtemp(join(tmpdir(), 'bosun-folders-closed-'));
  try {
    await assert.rejects(start(join(base, 'pg')), unreachable);
    // A cluster made where it could be reached, whose parent was closed since (a checkout moved under /root).
    await chmod(base, 0o755);
    await rm(join(base, 'pg'), { recursive: true, force: true });
    await (await start(join(base, 'pg'))).stop();
    await chmod(base, 0o700);
    await assert.rejects(start(join(base, 'pg')), unreachable);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
