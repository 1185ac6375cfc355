// The dispatcher keeps the service commands working: `bosun migrate` on a fresh
// database, then `bosun serve` answering `bosun jobs list`, stopped by SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';
import { bosun, json, ROOT } from './cli-process.ts';

test('bosun migrate, then bosun serve, then bosun jobs list against it', async (t) => {
  const databaseUrl = await createTestDatabase('bosun_cli_serve');
  const jobsDir = await mkdtemp(join(tmpdir(), 'bosun-cli-jobs-'));
  t.after(() => rm(jobsDir, { recursive: true, force: true }));
  const { BOSUN_TEST_DATABASE_URL: _ignored, ...rest } = process.env;
  const env = { ...rest, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', BOSUN_DEFAULT_JOBS_DIR: jobsDir };

  const migrated = await bosun('http://127.0.0.1:9', ['migrate'], env);
  assert.equal(migrated.code, 0, migrated.stderr);
  assert.match(migrated.stdout, /^applied: 0001_jobs_runs_failures$/m);
  const again = await bosun('http://127.0.0.1:9', ['migrate'], env);
  assert.equal(again.stdout, 'database is up to date\n');

  const service = spawnLogged(process.execPath, ['src/cli/main.ts', 'serve'], env, ROOT);
  t.after(() => {
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
  });
  const listening = await service.waitForLine((l) => l.msg === 'bosun API listening');
  const listed = await bosun(String(listening.url), ['jobs', 'list', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(json(listed), []);
  assert.equal((await bosun(String(listening.url), ['jobs', 'list'])).stdout, 'no jobs\n');

  service.child.kill('SIGTERM');
  assert.equal((await service.exited).code, 0);
});
