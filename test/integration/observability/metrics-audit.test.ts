// The real service in this process: known activity through the API (runs that succeed, fail
// with a retry, get cancelled or misfire; every kind of change), then /metrics and /audit.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { startService } from '../../../src/service.ts';
import { createToken } from '../../../src/auth/tokens.ts';
import { createTestDatabase, testLogger } from '../../helpers/database.ts';

const jobsDir = mkdtempSync(join(tmpdir(), 'bosun-obs-'));
writeFileSync(join(jobsDir, 'from-yaml.yaml'), 'job_id: from-yaml\nhandler: noop\nperiodically: 1 day\nwhen: "2099-01-01T00:00:00Z"\n');
const config = loadConfig({
  DATABASE_URL: await createTestDatabase(),
  PORT: '0',
  BOSUN_AUTH: 'on',
  BOSUN_DEFAULT_JOBS_DIR: jobsDir,
  BOSUN_CONCURRENCY: '4',
  BOSUN_SHUTDOWN_TIMEOUT: '2',
});
const service = await startService(config, testLogger);
after(() => service.stop());
const tokens = {
  // alice runs commands: her token is granted the powerful `command` handler.
  alice: (await createToken(service.database.db, { user: 'alice', handlers: ['command'] })).token,
  bob: (await createToken(service.database.db, { user: 'bob' })).token,
  root: (await createToken(service.database.db, { user: 'root', admin: true })).token,
};

async function call(method: string, path: string, who: keyof typeof tokens | null, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who) headers.authorization = `Bearer ${tokens[who]}`;
  const res = await fetch(`${service.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: any = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* metrics are text */
  }
  return { status: res.status, json, text };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function runEnded(runId: string, ms = 15_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await call('GET', `/api/v1/runs/${runId}`, 'alice');
    if (['succeeded', 'failed', 'timed_out', 'cancelled', 'misfired', 'skipped'].includes(r.json.run?.status)) return r.json.run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end: ${JSON.stringify(r.json)}`);
    await sleep(50);
  }
}
async function runNow(jobId: string): Promise<string> {
  const r = await call('POST', `/api/v1/jobs/${jobId}/run`, 'alice');
  assert.equal(r.status, 202, r.text);
  return r.json.run.run_id as string;
}

/** The value of one sample in Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

const FAR = '2099-01-01T00:00:00Z';

test('activity: runs with known outcomes, and every kind of change', async () => {
  const paused = { periodically: '1 day', when: FAR, state: 'paused' };
  assert.equal((await call('POST', '/api/v1/jobs', 'alice', { job_id: 'ok', handler: 'command', kwargs: { command: 'true' }, ...paused })).status, 201);
  assert.equal((await call('POST', '/api/v1/jobs', 'alice', { job_id: 'bad', handler: 'command', kwargs: { command: 'exit 3' }, retries: 1, retry_delay: 0, ...paused })).status, 201);
  assert.equal((await call('POST', '/api/v1/jobs', 'alice', { job_id: 'slow', handler: 'command', kwargs: { command: 'sleep 20' }, ...paused })).status, 201);

  for (let i = 0; i < 3; i++) assert.equal((await runEnded(await runNow('ok'))).status, 'succeeded');
  const bad = await runEnded(await runNow('bad'));
  assert.equal(bad.status, 'failed');
  assert.equal(bad.attempt, 2);

  const slowRun = await runNow('slow');
  for (let i = 0; (await call('GET', `/api/v1/runs/${slowRun}`, 'alice')).json.run.status !== 'running'; i++) {
    assert.ok(i < 200, 'slow run never started');
    await sleep(50);
  }
  assert.equal((await call('POST', `/api/v1/runs/${slowRun}/cancel`, 'alice')).json.run.status, 'cancelled');

  assert.equal((await call('PATCH', '/api/v1/jobs/ok', 'alice', { description: 'now described', retries: 2 })).status, 200);
  // The same values again change nothing and record nothing.
  assert.equal((await call('PATCH', '/api/v1/jobs/ok', 'alice', { description: 'now described', retries: 2 })).status, 200);
  assert.equal((await call('PUT', '/api/v1/jobs/slow?state=running', 'alice')).status, 200);
  assert.equal((await call('PUT', '/api/v1/jobs/slow?state=paused', 'alice')).status, 200);
  assert.equal((await call('DELETE', '/api/v1/jobs/slow', 'alice')).status, 200);

  // A one-shot due while the service is paused, resumed well past its 1 s grace: misfired.
  assert.equal((await call('PUT', '/api/v1/service/state?state=paused', 'root')).status, 200);
  await sleep(1500);
  const due = new Date(Date.now() + 500).toISOString();
  assert.equal((await call('POST', '/api/v1/jobs', 'alice', { job_id: 'late', handler: 'command', kwargs: { command: 'true' }, dates: [due], misfire_grace_time: '1s' })).status, 201);
  await sleep(3000);
  assert.equal((await call('PUT', '/api/v1/service/state?state=running', 'root')).status, 200);
  for (let i = 0; ; i++) {
    const runs = await call('GET', '/api/v1/runs?job_id=late', 'alice');
    if (runs.json.runs?.[0]?.status === 'misfired') break;
    assert.ok(i < 300, `late never misfired: ${runs.text}`);
    await sleep(50);
  }
});

test('/metrics counts the activity, by route pattern, and needs a token when auth is on', async () => {
  assert.equal((await call('GET', '/metrics', null)).status, 401);
  const r = await call('GET', '/metrics', 'bob');
  assert.equal(r.status, 200);
  const m = r.text;
  const command = { handler: 'command' };
  assert.equal(sample(m, 'bosun_runs_total', { ...command, status: 'succeeded' }), 3);
  assert.equal(sample(m, 'bosun_runs_total', { ...command, status: 'failed' }), 1);
  assert.equal(sample(m, 'bosun_runs_total', { ...command, status: 'misfired' }), 1);
  assert.equal(sample(m, 'bosun_failures_total', command), 2);
  assert.equal(sample(m, 'bosun_retries_total', command), 1);
  assert.equal(sample(m, 'bosun_misfires_total', command), 1);
  assert.equal(sample(m, 'bosun_run_duration_seconds_count', { ...command, status: 'succeeded' }), 3);
  assert.equal(sample(m, 'bosun_run_duration_seconds_count', { ...command, status: 'failed' }), 2);
  assert.equal(sample(m, 'bosun_run_duration_seconds_count', { ...command, status: 'abandoned' }), 1);
  // First attempts only: 3 ok + 1 bad + 1 slow, all run now.
  assert.equal(sample(m, 'bosun_run_lateness_seconds_count', { ...command, trigger: 'manual' }), 5);
  assert.ok(sample(m, 'bosun_run_lateness_seconds_sum', { ...command, trigger: 'manual' })! < 5 * 5, 'runs now start within seconds');
  assert.equal(sample(m, 'bosun_runs_in_progress', command), 0);
  for (const state of ['ready', 'deferred', 'active']) assert.ok(sample(m, 'bosun_queue_depth', { state })! >= 0, state);
  // The YAML job's occurrence waits in 2099.
  assert.ok(sample(m, 'bosun_queue_depth', { state: 'deferred' })! >= 1);
  assert.equal(sample(m, 'bosun_http_requests_total', { method: 'POST', route: '/api/v1/jobs/:job_id/run', status: '202' }), 5);
  assert.equal(sample(m, 'bosun_http_requests_total', { method: 'PATCH', route: '/api/v1/jobs/:job_id', status: '200' }), 2);
  assert.equal(sample(m, 'bosun_http_requests_total', { method: 'GET', route: '/metrics', status: '401' }), 1);
  assert.ok(!m.includes('route="/api/v1/jobs/ok'), 'raw paths never become labels');
  assert.ok(sample(m, 'process_cpu_user_seconds_total')! > 0);
  assert.ok(sample(m, 'nodejs_eventloop_lag_seconds') !== undefined);
  // Also under /api/v1, as the contract describes it.
  assert.equal((await call('GET', '/api/v1/metrics', 'bob')).status, 200);
});

test('the audit log: every action, with the token user as actor; filters; owner scope', async () => {
  const all = await call('GET', '/api/v1/audit?limit=500', 'root');
  assert.equal(all.status, 200, all.text);
  const entries = all.json.entries as any[];
  const of = (jobId: string | null) => entries.filter((e) => e.job_id === jobId).map((e) => `${e.actor}:${e.action}`).reverse();
  assert.deepEqual(of('ok'), ['alice:created', 'alice:ran_now', 'alice:ran_now', 'alice:ran_now', 'alice:modified']);
  assert.deepEqual(of('bad'), ['alice:created', 'alice:ran_now']);
  assert.deepEqual(of('slow'), ['alice:created', 'alice:ran_now', 'alice:cancelled', 'alice:resumed', 'alice:paused', 'alice:deleted']);
  assert.deepEqual(of('from-yaml'), ['yaml-sync:created']);
  assert.deepEqual(of(null), ['root:service_paused', 'root:service_resumed']);

  const modified = entries.find((e) => e.job_id === 'ok' && e.action === 'modified');
  assert.deepEqual(modified.detail.diff, { description: { from: null, to: 'now described' }, retries: { from: 0, to: 2 } });
  const deleted = entries.find((e) => e.action === 'deleted');
  assert.equal(deleted.detail.definition.kwargs.command, 'sleep 20');
  const cancelled = entries.find((e) => e.action === 'cancelled');
  assert.match(cancelled.run_id, /^[0-9a-f-]{36}$/);
  assert.ok(Date.parse(cancelled.at) > 0);

  const onlyModified = await call('GET', '/api/v1/audit?action=modified', 'root');
  assert.equal(onlyModified.json.total, 1);
  assert.equal((await call('GET', '/api/v1/audit?actor=yaml-sync', 'root')).json.total, 1);
  const page = await call('GET', '/api/v1/audit?job_id=ok&limit=2&offset=1', 'root');
  assert.equal(page.json.total, 5);
  assert.deepEqual(page.json.entries.map((e: any) => e.action), ['ran_now', 'ran_now']);
  assert.equal((await call('GET', `/api/v1/audit?since=${new Date(Date.now() + 60_000).toISOString()}`, 'root')).json.total, 0);
  assert.equal((await call('GET', '/api/v1/audit?action=exploded', 'root')).status, 400);

  // Alice sees her jobs' history; bob, who owns nothing, sees none of it.
  assert.ok((await call('GET', '/api/v1/audit?job_id=slow', 'alice')).json.total === 6);
  assert.equal((await call('GET', '/api/v1/audit', 'bob')).json.total, 0);
  assert.equal((await call('GET', '/api/v1/audit', null)).status, 401);
});
