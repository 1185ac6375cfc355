// The newcomer's path: `npm start` on an embedded Postgres, API over HTTP, Ctrl-C,
// and nothing left running afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLogged, isAlive } from '../helpers/process.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function env(dataDir: string): Record<string, string | undefined> {
  const { DATABASE_URL: _ignored, BOSUN_TEST_DATABASE_URL: _alsoIgnored, ...rest } = process.env;
  return { ...rest, BOSUN_DATA_DIR: dataDir, PORT: '0', BOSUN_PG_PORT: String(55000 + Math.floor(Math.random() * 3000)), LOG_LEVEL: 'info' };
}

test('npm start serves the API on an embedded Postgres and leaves no process behind on Ctrl-C', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-entry-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));

  for (const round of [1, 2]) {
    // Round 2 reuses the data folder the first round created.
    const app = spawnLogged('npm', ['start', '--silent'], env(dataDir), ROOT);
    try {
      const listening = await app.waitForLine((l) => l.msg === 'bosun API listening');
      const url = String(listening.url);
      const pgPid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      assert.ok(isAlive(pgPid), 'postgres runs');

      const ready = await fetch(`${url}/api/v1/readiness`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), {});
      const ui = await fetch(`${url}/api/v1/ui/`);
      assert.equal(ui.status, 200);
      assert.match(await ui.text(), /swagger-ui/);
      const root = await fetch(`${url}/`, { redirect: 'manual' });
      assert.equal(root.status, 302);
      assert.ok(root.headers.get('location')?.startsWith('/'));
      if (round === 2) assert.ok(!app.lines.some((l) => l.msg === 'creating the PostgreSQL data folder'), 'data folder reused');

      process.kill(-app.child.pid!, 'SIGINT'); // what a terminal's Ctrl-C does: the whole group
      await app.waitForLine((l) => l.msg === 'stopped');
      const { code, signal } = await app.exited;
      // npm re-raises the SIGINT it received once its script has exited.
      assert.ok(code === 0 || signal === 'SIGINT', app.output());
      assert.ok(!isAlive(pgPid), 'postgres stopped');
    } finally {
      killGroup(app.child.pid!);
    }
  }
});

test('SIGTERM to the entry point stops it and its Postgres', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-entry-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const app = spawnLogged(process.execPath, ['src/main.ts'], env(dataDir), ROOT);
  await app.waitForLine((l) => l.msg === 'bosun API listening');
  const pgPid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  app.child.kill('SIGTERM');
  assert.equal((await app.exited).code, 0);
  assert.ok(!isAlive(pgPid));
});

test('a Postgres left behind by a killed bosun is stopped by its watchdog or taken over on the next start', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-entry-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const first = spawnLogged(process.execPath, ['src/main.ts'], env(dataDir), ROOT);
  await first.waitForLine((l) => l.msg === 'bosun API listening');
  const orphan = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.ok(isAlive(orphan), 'kill -9 leaves postgres running');

  const second = spawnLogged(process.execPath, ['src/main.ts'], env(dataDir), ROOT);
  const listening = await second.waitForLine((l) => l.msg === 'bosun API listening');
  assert.equal((await fetch(`${String(listening.url)}/api/v1/readiness`)).status, 200);
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0);
  assert.ok(!isAlive(orphan));
});

test('a bad environment variable stops startup with its name', async () => {
  const app = spawnLogged(process.execPath, ['src/main.ts'], { ...process.env, PORT: 'eighty' }, ROOT);
  const { code } = await app.exited;
  assert.equal(code, 2);
  assert.match(app.output(), /PORT: expected a whole number, got 'eighty'/);
});

test('a second bosun on a data folder in use is refused; admin commands share the running server', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-entry-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const first = spawnLogged(process.execPath, ['src/main.ts'], env(dataDir), ROOT);
  try {
    const url = String((await first.waitForLine((l) => l.msg === 'bosun API listening')).url);
    const pgPid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

    const second = spawnLogged(process.execPath, ['src/main.ts'], env(dataDir), ROOT);
    assert.equal((await second.exited).code, 1);
    assert.match(second.output(), /BOSUN_DATA_DIR: .* is in use by another running bosun/);

    const migrate = spawnLogged(process.execPath, ['src/cli/main.ts', 'migrate'], env(dataDir), ROOT);
    assert.equal((await migrate.exited).code, 0, migrate.output());
    assert.match(migrate.output(), /database is up to date/);

    assert.ok(isAlive(pgPid), 'the first bosun keeps its PostgreSQL');
    assert.equal((await fetch(`${url}/api/v1/readiness`)).status, 200);
  } finally {
    first.child.kill('SIGTERM');
    await first.exited;
  }
});
