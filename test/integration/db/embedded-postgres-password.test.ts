// The embedded PostgreSQL's password and network exposure (src/db/embedded-password.ts): a random
// password in a file only bosun's user can read, the old fixed password refused, a cluster made
// with that old password moved to a random one at start, and the server reachable only over
// 127.0.0.1 with a password (no socket, no `trust`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { execFileSync, spawnSync } from 'node:child_process';
import pg from 'pg';
import { runningServer, startEmbeddedPostgres, type EmbeddedServer } from '../../../src/db/embedded-postgres.ts';
import { LEGACY_PASSWORD, passwordFile } from '../../../src/db/embedded-password.ts';
import { createLogger } from '../../../src/log.ts';

const logger = createLogger('warn', false);
const start = (dataDir: string) => startEmbeddedPostgres({ dataDir, port: 55000 + Math.floor(Math.random() * 900), logger, binDir: process.env.BOSUN_PG_BIN_DIR });

async function withFolder(body: (dataDir: string) => Promise<void>): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'bosun-password-'));
  await chmod(base, 0o755); // as root, the postgres user must get through to the cluster
  try {
    await body(join(base, 'pg'));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a connection with this password gets, or 'ok'. */
async function tryPassword(port: number, password: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

function connectable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('a new cluster: a random password in a 0600 file of bosun’s user, the old fixed one refused, loopback only, no trust', { timeout: 120_000 }, async () => {
  await withFolder(async (dataDir) => {
    const server = await start(dataDir);
    try {
      const file = passwordFile(dataDir);
      const info = await stat(file);
      assert.equal(info.mode & 0o777, 0o600, 'the password file is private');
      assert.equal(info.uid, process.getuid!(), 'owned by the user bosun runs as');
      if (process.getuid!() === 0) {
        // As root, PostgreSQL (and commands run as another user) cannot read it.
        const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
        const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
        assert.notEqual(spawnSync('cat', [file], { uid, gid, stdio: 'ignore' }).status, 0, 'the postgres user cannot read the password file');
      }
      const password = (await readFile(file, 'utf8')).trim();
      assert.notEqual(password, LEGACY_PASSWORD);
      assert.ok(password.length >= 40, 'a long random password');
      assert.equal(new URL(server.url).password, password, 'the URL carries the file’s password');

      assert.equal(await tryPassword(server.port, password), 'ok');
      assert.equal(await tryPassword(server.port, LEGACY_PASSWORD), '28P01', 'the old fixed password is refused');
      assert.equal(await tryPassword(server.port, 'guess'), '28P01', 'another password is refused');

      const [settings] = await query<{ listen: string; sockets: string }>(server.url, "select current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets");
      assert.deepEqual(settings, { listen: '127.0.0.1', sockets: '' });
      const rules = await query<{ type: string; address: string | null; auth_method: string }>(server.url, 'select type, address, auth_method from pg_hba_file_rules');
      assert.deepEqual(rules, [{ type: 'host', address: '127.0.0.1', auth_method: 'scram-sha-256' }], 'one rule: password over IPv4 loopback');
      assert.equal(await connectable('127.0.0.1', server.port), true);
      assert.equal(await connectable('127.0.0.2', server.port), false, 'not listening on other addresses');

      // `bosun tokens`, `bosun migrate` beside a running bosun reach its server with the file's password.
      assert.equal(new URL(runningServer(dataDir)!.url).password, password);
    } finally {
      await server.stop();
    }
  });
});

test('a cluster made by an older bosun (fixed password, loose pg_hba): started, moved to a random password, locked down', { timeout: 180_000 }, async () => {
  await withFolder(async (dataDir) => {
    // Make the old state: the fixed password, no password file, the pg_hba.conf initdb wrote then.
    let server: EmbeddedServer = await start(dataDir);
    await query(server.url, `alter role postgres password '${LEGACY_PASSWORD}'`);
    await server.stop();
    await rm(passwordFile(dataDir));
    const hba = join(dataDir, 'pg_hba.conf');
    const hbaStat = await stat(hba);
    await writeFile(hba, 'local all all password\nhost all all 127.0.0.1/32 password\nhost all all ::1/128 password\n');

    server = await start(dataDir);
    try {
      const password = (await readFile(passwordFile(dataDir), 'utf8')).trim();
      assert.notEqual(password, LEGACY_PASSWORD);
      assert.equal((await stat(passwordFile(dataDir))).mode & 0o777, 0o600);
      assert.equal(await tryPassword(server.port, password), 'ok', 'the upgraded folder works with the new password');
      assert.equal(await tryPassword(server.port, LEGACY_PASSWORD), '28P01', 'the old fixed password no longer works');
      assert.deepEqual(await query(server.url, 'select count(*)::int as n from pg_hba_file_rules where auth_method <> $$scram-sha-256$$ or address is distinct from $$127.0.0.1$$'), [{ n: 0 }]);
      assert.equal((await stat(hba)).uid, hbaStat.uid, 'pg_hba.conf still belongs to the user PostgreSQL runs as');
    } finally {
      await server.stop();
    }

    // Killed between writing the file and changing the password: the next start finishes the change.
    server = await start(dataDir);
    await query(server.url, `alter role postgres password '${LEGACY_PASSWORD}'`);
    await server.stop();
    server = await start(dataDir);
    try {
      assert.equal(await tryPassword(server.port, LEGACY_PASSWORD), '28P01');
      assert.equal(await tryPassword(server.port, new URL(server.url).password), 'ok');
    } finally {
      await server.stop();
    }
  });
});

test('a password file that is not bosun’s alone is made private again at start', { timeout: 120_000 }, async () => {
  await withFolder(async (dataDir) => {
    await (await start(dataDir)).stop();
    await chmod(passwordFile(dataDir), 0o644);
    const server = await start(dataDir);
    try {
      assert.equal((await stat(passwordFile(dataDir))).mode & 0o777, 0o600);
    } finally {
      await server.stop();
    }
  });
});
