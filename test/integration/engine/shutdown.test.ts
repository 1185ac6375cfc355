// SIGTERM lets running handlers finish (up to BOSUN_SHUTDOWN_TIMEOUT), and records the
// ones it had to abort: nothing is left `running` by a clean shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testLogger } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';
import { openDatabase } from '../../../src/db/database.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;

async function startService(url: string, shutdownSeconds: number) {
  const app = spawnLogged(
    process.execPath,
    ['src/main.ts'],
    { ...process.env, DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'info', BOSUN_DEFAULT_JOBS_DIR: '/nonexistent-bosun-jobs', BOSUN_SHUTDOWN_TIMEOUT: String(shutdownSeconds) },
    ROOT,
  );
  const base = String((await app.waitForLine((l) => l.msg === 'bosun API listening')).url);
  return { app, base };
}

async function startRun(base: string, command: string): Promise<string> {
  const created = await fetch(`${base}/api/v1/jobs/command?job_id=slow&state=paused`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ command }),
  });
  assert.equal(created.status, 201, await created.text());
  const run = (await (await fetch(`${base}/api/v1/jobs/slow/run`, { method: 'POST' })).json()) as { run: { run_id: string } };
  for (let i = 0; i < 100; i++) {
    const { run: now } = (await (await fetch(`${base}/api/v1/runs/${run.run.run_id}`)).json()) as { run: { status: string } };
    if (now.status === 'running') return run.run.run_id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the run never started');
}

test('SIGTERM waits for a running handler to finish and records its success', async () => {
  const url = await createTestDatabase();
  const { app, base } = await startService(url, 30);
  const runId = await startRun(base, 'sleep 2; echo finished');
  const t0 = Date.now();
  app.child.kill('SIGTERM');
  assert.equal((await app.exited).code, 0, app.output());
  assert.ok(Date.now() - t0 >= 1000, 'shutdown waited for the handler');

  const database = openDatabase(url, testLogger, 1);
  try {
    const run = await database.db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirstOrThrow();
    assert.equal(run.status, 'succeeded');
  } finally {
    await database.close();
  }
});

test('past BOSUN_SHUTDOWN_TIMEOUT a handler is aborted and its run recorded, not left running', async () => {
  const url = await createTestDatabase();
  const { app, base } = await startService(url, 1);
  const runId = await startRun(base, 'sleep 60');
  const t0 = Date.now();
  app.child.kill('SIGTERM');
  assert.equal((await app.exited).code, 0, app.output());
  assert.ok(Date.now() - t0 < 20_000, 'shutdown did not wait for the 60 s handler');

  const database = openDatabase(url, testLogger, 1);
  try {
    const run = await database.db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirstOrThrow();
    assert.notEqual(run.status, 'running');
    const failures = await database.db.selectFrom('failures').selectAll().where('run_id', '=', runId).execute();
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.error_name, 'WorkerStopped');
  } finally {
    await database.close();
  }
});
