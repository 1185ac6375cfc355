// The operator's startup path, on real bosun processes: a setting at fault is named (its secret
// masked, no stack), the port is bound before any work, and a database that comes up late is
// waited for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createTestDatabase } from '../../helpers/database.ts';
import { spawnLogged, type Spawned } from '../../helpers/process.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;

function env(extra: Record<string, string>): Record<string, string | undefined> {
  const { DATABASE_URL: _a, BOSUN_TEST_DATABASE_URL: _b, ...rest } = process.env;
  return { ...rest, PORT: '0', LOG_LEVEL: 'info', BOSUN_CONCURRENCY: '2', ...extra };
}

function bosun(extra: Record<string, string>): Spawned {
  const app = spawnLogged(process.execPath, ['src/main.ts'], env(extra), ROOT);
  return app;
}

function stop(app: Spawned): void {
  try {
    process.kill(-app.child.pid!, 'SIGKILL');
  } catch {
    /* gone */
  }
}

async function listening(server: Server, port = 0): Promise<number> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

test('a taken PORT fails at once, naming PORT, before any database work', async (t) => {
  const holder = createServer();
  const port = await listening(holder);
  t.after(() => holder.close());
  const database = await createTestDatabase();
  const app = bosun({ PORT: String(port), DATABASE_URL: database });
  t.after(() => stop(app));
  const { code } = await app.exited;
  assert.notEqual(code, 0);
  const fatal = app.lines.find((l) => l.level === 60);
  assert.ok(fatal, app.output());
  assert.equal(fatal.field, 'PORT');
  assert.match(String(fatal.msg), new RegExp(`^PORT: port ${port} on 127\\.0\\.0\\.1 is already in use`));
  assert.ok(!app.lines.some((l) => l.msg === 'handlers loaded' || l.msg === 'default jobs synced'), 'nothing started before the port');
  assert.doesNotMatch(app.output(), /\n\s+at /, 'no stack');
});

test('a HOST that is not this machine’s fails naming HOST', async (t) => {
  const app = bosun({ HOST: '192.0.2.1', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' });
  t.after(() => stop(app));
  assert.notEqual((await app.exited).code, 0);
  const fatal = app.lines.find((l) => l.level === 60);
  assert.equal(fatal?.field, 'HOST', app.output());
});

test('an unreachable DATABASE_URL is waited for up to BOSUN_DB_WAIT, then named with its password masked', async (t) => {
  const holder = createServer();
  const closedPort = await listening(holder);
  holder.close(); // a port nobody listens on
  const app = bosun({ DATABASE_URL: `postgres://bosun:hunter2-secret@127.0.0.1:${closedPort}/bosun`, BOSUN_DB_WAIT: '1' });
  t.after(() => stop(app));
  const started = Date.now();
  assert.notEqual((await app.exited).code, 0);
  assert.ok(Date.now() - started < 15_000);
  assert.ok(app.lines.some((l) => l.msg === 'waiting for the database' && l.level === 40), app.output());
  const fatal = app.lines.find((l) => l.level === 60);
  assert.equal(fatal?.field, 'DATABASE_URL', app.output());
  assert.match(String(fatal?.msg), /^DATABASE_URL: no database answers at postgres:\/\/bosun:\*\*\*@127\.0\.0\.1:\d+\/bosun after waiting 1 s \(BOSUN_DB_WAIT\): connect ECONNREFUSED/);
  assert.doesNotMatch(app.output(), /hunter2/);
  assert.doesNotMatch(app.output(), /\n\s+at /, 'no stack');
});

test('a wrong password fails at once (waiting cannot fix it), masked', async (t) => {
  const database = new URL(await createTestDatabase());
  database.password = 'not-the-password';
  const app = bosun({ DATABASE_URL: database.href, BOSUN_DB_WAIT: '60' });
  t.after(() => stop(app));
  const started = Date.now();
  assert.notEqual((await app.exited).code, 0);
  assert.ok(Date.now() - started < 15_000, 'not waited for');
  const fatal = app.lines.find((l) => l.level === 60);
  assert.equal(fatal?.field, 'DATABASE_URL', app.output());
  assert.match(String(fatal?.msg), /cannot use the database at postgres:\/\/[^:]+:\*\*\*@.*password authentication failed/);
  assert.doesNotMatch(app.output(), /not-the-password/);
});

test('a database that comes up late is waited for; meanwhile the port answers 503 (liveness 200)', async (t) => {
  const target = new URL(await createTestDatabase());
  // The database's port comes up later, as a proxy to the real server: a container starting.
  const proxy = createServer((socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  const probe = createServer();
  const port = await listening(probe);
  probe.close();
  const late = new URL(target.href);
  late.port = String(port);

  const holder = createServer();
  const apiPort = await listening(holder);
  holder.close();
  const app = bosun({ DATABASE_URL: late.href, BOSUN_DB_WAIT: '30', PORT: String(apiPort) });
  t.after(() => stop(app));
  t.after(() => proxy.close());
  await app.waitForLine((l) => l.msg === 'waiting for the database', 20_000);

  const base = `http://127.0.0.1:${apiPort}`;
  const live = await fetch(`${base}/api/v1/liveness`);
  assert.equal(live.status, 200);
  const ready = await fetch(`${base}/api/v1/readiness`);
  assert.equal(ready.status, 503);
  assert.equal(ready.headers.get('content-type'), 'application/problem+json');
  assert.equal(ready.headers.get('retry-after'), '1');
  assert.equal(((await ready.json()) as { type: string }).type, 'https://bosun.dev/problems/unavailable');

  await listening(proxy, port);
  const up = await app.waitForLine((l) => l.msg === 'bosun API listening', 30_000);
  assert.equal(up.url, base);
  assert.ok(app.lines.some((l) => l.msg === 'database reachable'));
  assert.equal((await fetch(`${base}/api/v1/readiness`)).status, 200);

  app.child.kill('SIGTERM');
  assert.equal((await app.exited).code, 0, app.output());
});

test('a clean stop on the embedded PostgreSQL logs no warning', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-startup-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const app = bosun({ BOSUN_DATA_DIR: dataDir, BOSUN_PG_PORT: String(56000 + Math.floor(Math.random() * 3000)) });
  t.after(() => stop(app));
  await app.waitForLine((l) => l.msg === 'bosun API listening');
  app.child.kill('SIGTERM');
  assert.equal((await app.exited).code, 0, app.output());
  const loud = app.lines.filter((l) => Number(l.level) >= 40);
  assert.deepEqual(loud, [], app.output());
  assert.ok(app.lines.some((l) => l.msg === 'stopped'));
});
