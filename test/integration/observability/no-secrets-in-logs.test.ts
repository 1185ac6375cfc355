// The real service as a child process at debug level, on a database URL with a password, with
// authenticated requests, a rejected token and runs that succeed and fail: neither the password
// nor any token (good or bad) appears anywhere in what it prints, and run lines carry their ids.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '../../../src/auth/tokens.ts';
import { migratedDatabase } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;

test('no password, token or auth header in any output line; run lines carry job_id and run_id', async () => {
  const database = await migratedDatabase();
  const password = decodeURIComponent(new URL(database.url).password);
  assert.ok(password.length >= 4, 'the test database URL has a password');
  const { token } = await createToken(database.db, { user: 'alice', admin: true });
  const rejected = 'bosun_not-a-real-token-0123456789abcdef';

  const { DATABASE_URL: _a, BOSUN_TEST_DATABASE_URL: _b, ...rest } = process.env;
  const app = spawnLogged(process.execPath, ['src/main.ts'], {
    ...rest,
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'debug',
    BOSUN_AUTH: 'on',
    BOSUN_DEFAULT_JOBS_DIR: mkdtempSync(join(tmpdir(), 'bosun-secrets-')),
  }, ROOT);
  after(() => {
    try {
      process.kill(-app.child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  const listening = await app.waitForLine((l) => l.msg === 'bosun API listening');
  const base = String(listening.url);

  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as any };
  };
  const bearer = { authorization: `Bearer ${token}` };
  const seedHeader = { auth_token: token };

  assert.equal((await call('GET', '/api/v1/jobs', { authorization: `Bearer ${rejected}` })).status, 401);
  assert.equal((await call('GET', '/api/v1/jobs', { authorization: 'Basic dXNlcjpwYXNz' })).status, 401);
  assert.equal((await call('GET', '/metrics', {})).status, 401);
  assert.equal((await call('GET', '/metrics', seedHeader)).status, 200);
  const paused = { periodically: '1 day', when: '2099-01-01T00:00:00Z', state: 'paused' };
  assert.equal((await call('POST', '/api/v1/jobs', bearer, { job_id: 'fine', handler: 'command', kwargs: { command: 'echo hello' }, ...paused })).status, 201);
  assert.equal((await call('POST', '/api/v1/jobs', seedHeader, { job_id: 'broken', handler: 'command', kwargs: { command: 'echo oops >&2; exit 2' }, ...paused })).status, 201);
  const runs: string[] = [];
  for (const job of ['fine', 'broken']) runs.push((await call('POST', `/api/v1/jobs/${job}/run`, bearer)).json.run.run_id);
  for (const runId of runs) await app.waitForLine((l) => l.msg === 'run ended' && l.run_id === runId, 20_000);
  assert.equal((await call('GET', '/api/v1/audit?actor=alice', bearer)).json.total, 4);

  app.child.kill('SIGTERM');
  await app.waitForLine((l) => l.msg === 'stopped', 30_000);
  await app.exited;

  const output = app.output();
  assert.ok(output.length > 1000, 'the service logged');
  for (const [what, secret] of [['the database password', password], ['the token', token], ['the rejected token', rejected], ['a Basic credential', 'dXNlcjpwYXNz']] as const) {
    assert.ok(!output.includes(secret), `${what} appears in the output:\n${output.split('\n').filter((l) => l.includes(secret)).join('\n')}`);
  }
  assert.ok(!/Bearer\s+\S/.test(output), 'an Authorization header value appears in the output');

  // Every line about one of these runs names both the job and the run.
  const aboutRuns = app.lines.filter((l) => runs.includes(String(l.run_id)) || (typeof l.msg === 'string' && /^run /.test(l.msg)));
  assert.ok(aboutRuns.length >= 4, `expected run lines, got ${aboutRuns.length}`);
  for (const line of aboutRuns) {
    assert.ok(typeof line.job_id === 'string' && typeof line.run_id === 'string', `a run line lacks job_id or run_id: ${JSON.stringify(line)}`);
  }
});
