// Tethys jobs (seed 001) as its users and their outside systems call it, from its own examples:
// the status callback URL `http://<host>/update-job-status/27/` and its `{"success": true}`,
// `job.extended_properties = {'one': 1, 'two': 2}`, and jobs listed by label. A real service
// over real HTTP; its worker runs the jobs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createToken } from '../../../src/auth/tokens.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { testLogger } from '../../helpers/database.ts';
import { startService } from '../cli/cli-process.ts';
import { apiCaller, until, type Answer } from './compat-http.ts';

const { url: base, databaseUrl } = await startService();


async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { headers });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

const call = apiCaller(base);


const LATER = new Date(Date.now() + 86_400_000).toISOString();

/** Job 27 (Tethys' example id) with a run in progress: a command that sleeps until the service stops. */
async function jobWithRunningRun(jobId: string): Promise<string> {
  const created = await call('POST', '/jobs', { job_id: jobId, handler: 'command', kwargs: { command: ['sleep', '60'] }, when: LATER });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const started = await call('POST', `/jobs/${jobId}/run`);
  assert.ok(started.status === 200 || started.status === 202, JSON.stringify(started.json));
  const runId = started.json.run.run_id as string;
  await until('the run to start', async () => ((await call('GET', `/runs/${runId}`)).json.run?.status === 'running' ? true : undefined));
  return runId;
}

/** Ends a sleeping run (its process group is killed), so the service stops at once. */
async function cancel(runId: string): Promise<void> {
  assert.equal((await call('POST', `/runs/${runId}/cancel`)).json.run.status, 'cancelled');
}

const callbackLines = async (runId: string) =>
  ((await call('GET', `/runs/${runId}`)).json.run.log as Array<{ msg: string; data?: { source?: string; status?: string } }>).filter((l) => l.data?.source === 'status-callback');

test("the callback URL of Tethys' example, at the root and under /api/v1, answers {\"success\": true} on the job's current run", async () => {
  const runId = await jobWithRunningRun('27');
  // Verbatim: http://<host>/update-job-status/27/
  const root = await get(`${base}/update-job-status/27/`);
  assert.equal(root.status, 200, JSON.stringify(root.json));
  assert.equal(root.json.success, true);
  assert.equal(root.json.run.run_id, runId);
  assert.equal(root.json.run.status, 'running');
  const prefixed = await get(`${base}/api/v1/update-job-status/27/`);
  assert.equal(prefixed.status, 200);
  assert.equal(prefixed.json.success, true);
  const lines = await callbackLines(runId);
  assert.equal(lines.length, 2, 'each call is a line in the run log');
  assert.deepEqual(lines.map((l) => l.msg), ['status reported: running', 'status reported: running']);
  await cancel(runId);
});

test('?delay=N, as Tethys has it: answered at once, applied N seconds later', async () => {
  const runId = await jobWithRunningRun('tethys-delayed');
  const before = (await callbackLines(runId)).length;
  const started = Date.now();
  const delayed = await get(`${base}/update-job-status/tethys-delayed/?delay=1`);
  assert.deepEqual(delayed.json, { success: true, delay: 1 });
  assert.equal((await callbackLines(runId)).length, before, 'nothing is applied before the delay');
  await until('the delayed report', async () => ((await callbackLines(runId)).length === before + 1 ? true : undefined));
  assert.ok(Date.now() - started >= 1000, 'applied after the delay');
  await cancel(runId);
});

test('bosun adds status and message: the callback can end the run; bare on a job without a run, it changes nothing', async () => {
  const runId = await jobWithRunningRun('tethys-ends');
  const ended = await get(`${base}/update-job-status/tethys-ends/?status=failed&message=${encodeURIComponent('condor job 12 held')}`);
  assert.equal(ended.status, 200, JSON.stringify(ended.json));
  assert.equal(ended.json.run.status, 'failed');
  assert.equal(ended.json.run.error, 'condor job 12 held');
  const failures = await call('GET', `/failures?run_id=${runId}`);
  assert.equal(failures.json.failures[0].message, 'condor job 12 held');

  const idle = await get(`${base}/update-job-status/tethys-ends/`);
  assert.deepEqual(idle.json, { success: true, run: null });
  const conflict = await get(`${base}/update-job-status/tethys-ends/?status=succeeded`);
  assert.equal(conflict.status, 409);
});

test('the callback is refused what it must not do: unknown job, bad delay, a cross-site browser request', async () => {
  const runId = await jobWithRunningRun('tethys-guarded');
  const missing = await get(`${base}/update-job-status/no-such-job/`);
  assert.equal(missing.status, 404);
  for (const delay of ['-1', '3601', 'soon']) {
    const bad = await get(`${base}/update-job-status/tethys-guarded/?delay=${delay}`);
    assert.equal(bad.status, 400, delay);
    assert.equal(bad.json.field, 'delay');
  }
  // An <img src="http://127.0.0.1/update-job-status/…/"> on another site: the GET changes a run.
  const forged = await get(`${base}/update-job-status/tethys-guarded/`, { 'sec-fetch-site': 'cross-site' });
  assert.equal(forged.status, 403);
  const viaApi = await get(`${base}/api/v1/update-job-status/tethys-guarded/`, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
  assert.equal(viaApi.status, 403);
  const post = await fetch(`${base}/update-job-status/tethys-guarded/`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal((await callbackLines(runId)).length, 0, 'nothing refused was applied');
  await cancel(runId);
});

test("extended_properties as Tethys' example sets them, and labels to list jobs by", async () => {
  const a = await call('POST', '/jobs', { job_id: 'tethys-props', handler: 'noop', when: LATER, extended_properties: { one: 1, two: 2 }, labels: { team: 'data', env: 'prod' } });
  assert.equal(a.status, 201, JSON.stringify(a.json));
  assert.deepEqual(a.json.job.extended_properties, { one: 1, two: 2 });
  assert.deepEqual(a.json.job.labels, { team: 'data', env: 'prod' });
  await call('POST', '/jobs', { job_id: 'tethys-other-team', handler: 'noop', when: LATER, labels: { team: 'web', env: 'prod' } });

  const ids = async (query: string) => ((await call('GET', `/jobs?${query}`)).json.jobs as Array<{ job_id: string }>).map((j) => j.job_id);
  assert.deepEqual(await ids('label=team:data'), ['tethys-props']);
  assert.deepEqual(await ids('label=env:prod'), ['tethys-other-team', 'tethys-props']);
  assert.deepEqual(await ids('label=env:prod&label=team:web'), ['tethys-other-team']);
  assert.deepEqual(await ids('label=team:ops'), []);
  const counted = await call('GET', '/jobs?label=env:prod&limit=1');
  assert.equal(counted.json.total, 2, 'the total counts the matches');

  // Changed like any field; secrets in them are shown as *** and kept when sent back.
  const patched = await call('PATCH', '/jobs/tethys-props', { extended_properties: { one: 1, api_token: 'hunter2' }, labels: { team: 'ops' } });
  assert.equal(patched.status, 200, JSON.stringify(patched.json));
  assert.deepEqual(patched.json.job.extended_properties, { one: 1, api_token: '***' });
  const again = await call('PATCH', '/jobs/tethys-props', { extended_properties: patched.json.job.extended_properties });
  assert.equal(again.status, 200);
  const stored = new pg.Client({ connectionString: databaseUrl });
  await stored.connect();
  const { rows } = await stored.query(`select extended_properties from jobs where job_id = 'tethys-props'`);
  await stored.end();
  assert.deepEqual(rows[0].extended_properties, { one: 1, api_token: 'hunter2' });
});

test('labels and extended_properties are bounded; a malformed filter is 400 naming it', async () => {
  const refused: Array<[Record<string, unknown>, string]> = [
    [{ labels: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, 'x'])) }, 'labels'],
    [{ labels: { 'team:name': 'x' } }, 'labels'],
    [{ labels: { team: 'x'.repeat(201) } }, 'labels'],
    [{ labels: { team: { nested: true } } }, 'labels'],
    [{ extended_properties: { blob: 'x'.repeat(17_000) } }, 'extended_properties'],
    [{ extended_properties: [1, 2] }, 'extended_properties'],
  ];
  for (const [fields, field] of refused) {
    const answer = await call('POST', '/jobs', { handler: 'noop', when: LATER, ...fields });
    assert.equal(answer.status, 400, JSON.stringify(fields).slice(0, 80));
    assert.ok(String(answer.json.field).startsWith(field), `${answer.json.field} names ${field}`);
  }
  for (const query of ['label=nocolon', 'label=:x', `label=${Array.from({ length: 33 }, (_, i) => `l${i}:x`).join('&label=')}`]) {
    const answer = await call('GET', `/jobs?${query}`);
    assert.equal(answer.status, 400, query.slice(0, 40));
    assert.equal(answer.json.field, 'label');
  }
});

test('run_count counts manual runs too; max_runs counts the scheduled ones', async () => {
  const created = await call('POST', '/jobs', { job_id: 'tethys-counted', handler: 'noop', periodically: '1 hour', when: LATER, max_runs: 1 });
  assert.equal(created.status, 201);
  for (let i = 0; i < 2; i++) {
    const run = await call('POST', '/jobs/tethys-counted/run');
    const runId = run.json.run.run_id as string;
    await until('the manual run to end', async () => ((await call('GET', `/runs/${runId}`)).json.run?.status === 'succeeded' ? true : undefined));
  }
  const { json } = await call('GET', '/jobs/tethys-counted');
  assert.equal(json.job.run_count, 2);
  assert.equal(json.job.manual_run_count, 2);
  assert.equal(json.job.scheduled_run_count, 0);
  assert.equal(json.job.state, 'running', 'two runs by hand did not use up max_runs: 1');
  assert.equal(json.job.next_run_time, LATER);
});

// Last: once a token exists, anonymous calls are refused for good (BOSUN_AUTH=auto).
test('with a token required, the callback at the root asks for it as every route does', async () => {
  const database = openDatabase(databaseUrl, testLogger, 1);
  const { token } = await createToken(database.db, { user: 'tethys' });
  await database.close();
  // The service looks for a first token every few seconds while none was found.
  await until('anonymous calls to be refused', async () => ((await get(`${base}/update-job-status/27/`)).status === 401 ? true : undefined));
  // Another user's job is missing to them, as anywhere else.
  const other = await get(`${base}/update-job-status/27/`, { authorization: `Bearer ${token}` });
  assert.equal(other.status, 404);
});
