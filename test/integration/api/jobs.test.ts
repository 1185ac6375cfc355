import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness } from './harness.ts';

const h = await apiHarness();
type J = Record<string, unknown>;

test('seed form: POST /jobs/{handler} with kwargs body and schedule in the query answers 201 {job}', async () => {
  const r = await h.call('POST', '/jobs/noop?state=running&job_id=seed-1&periodically=1%20hour&misfire_grace_time=1%20minute', { who: 'alice', body: {} });
  assert.equal(r.status, 201, r.text);
  const job = r.json.job as J;
  assert.equal(job.job_id, 'seed-1');
  assert.equal(job.handler, 'noop');
  assert.equal(job.state, 'running');
  assert.equal(job.active, true);
  assert.equal(job.periodically, '1 hour');
  assert.equal(job.owner, 'alice');
  assert.equal(typeof job.next_run_time, 'string');
  assert.equal(r.res.headers.get('location'), '/api/v1/jobs/seed-1');
  const dup = await h.call('POST', '/jobs/noop?job_id=seed-1', { who: 'alice', body: {} });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.field, 'job_id');
  assert.equal(dup.res.headers.get('content-type'), 'application/problem+json');
});

test('command handler kwargs are validated by the schema, naming the field', async () => {
  const bad = await h.call('POST', '/jobs/command?state=paused', { who: 'alice', body: { command: 5 } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.field, 'kwargs.command');
  assert.equal(bad.json.error, bad.json.detail);
  const ok = await h.call('POST', '/jobs/command?state=paused&job_id=echo', { who: 'admin', body: { command: ['echo', 'hi'] } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal((ok.json.job as J).state, 'paused');
  assert.equal((ok.json.job as J).active, false);
});

test('unknown handler is 404; bad query values are 400 naming the parameter', async () => {
  const r = await h.call('POST', '/jobs/no-such-handler?state=running', { who: 'alice', body: { flow_name: 'x' } });
  assert.equal(r.status, 404);
  assert.equal(r.json.type, 'https://bosun.dev/problems/unknown-handler');
  const s = await h.call('POST', '/jobs/noop?state=sleeping', { who: 'alice', body: {} });
  assert.equal(s.status, 400);
  assert.equal(s.json.field, 'state');
  const p = await h.call('POST', '/jobs/noop?periodically=5%20hourz', { who: 'alice', body: {} });
  assert.equal(p.status, 400);
  assert.equal(p.json.field, 'periodically');
  const u = await h.call('POST', '/jobs/noop?colour=red', { who: 'alice', body: {} });
  assert.equal(u.status, 400);
  assert.equal(u.json.field, 'colour');
});

test('POST /jobs with the definition in the body; unknown fields and wrong types are 400', async () => {
  const r = await h.call('POST', '/jobs', { who: 'bob', body: { handler: 'noop', job_id: 'bob-1', periodically: '2 hours', kwargs: {} } });
  assert.equal(r.status, 201, r.text);
  assert.equal((r.json.job as J).owner, 'bob');
  const unknown = await h.call('POST', '/jobs', { who: 'bob', body: { handler: 'noop', colour: 'red' } });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.field, 'colour');
  const wrong = await h.call('POST', '/jobs', { who: 'bob', body: { handler: 'noop', retries: 'many' } });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json.field, 'retries');
  const missing = await h.call('POST', '/jobs', { who: 'bob', body: { kwargs: {} } });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.field, 'handler');
});

test('malformed JSON, invalid UTF-8 and huge bodies', async () => {
  const bad = await h.call('POST', '/jobs', { who: 'bob', raw: '{"handler": ' });
  assert.equal(bad.status, 400);
  assert.match(String(bad.json.error), /not valid JSON/);
  const utf = await h.call('POST', '/jobs', { who: 'bob', raw: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
  assert.equal(utf.status, 400);
  assert.match(String(utf.json.error), /UTF-8/);
  const huge = await h.call('POST', '/jobs', { who: 'bob', raw: JSON.stringify({ handler: 'noop', description: 'x'.repeat(100_000) }) });
  assert.equal(huge.status, 413);
  assert.equal(huge.json.type, 'https://bosun.dev/problems/payload-too-large');
  const count = await h.database.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('owner', '=', 'bob').executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 1, 'nothing written half');
});

test('owner isolation: others\' jobs are 404 to read, change, run or delete; admin sees all', async () => {
  for (const [method, path, body] of [
    ['GET', '/jobs/seed-1', undefined],
    ['PATCH', '/jobs/seed-1', { description: 'mine now' }],
    ['PUT', '/jobs/seed-1?state=paused', undefined],
    ['DELETE', '/jobs/seed-1', undefined],
    ['POST', '/jobs/seed-1/run', undefined],
    ['GET', '/jobs/seed-1/runs', undefined],
  ] as const) {
    const r = await h.call(method, path, { who: 'bob', body });
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
  }
  const bobList = await h.call('GET', '/jobs', { who: 'bob' });
  assert.deepEqual((bobList.json.jobs as J[]).map((j) => j.job_id), ['bob-1']);
  const adminList = await h.call('GET', '/jobs?sort=-job_id', { who: 'admin' });
  assert.ok((adminList.json.jobs as J[]).length >= 3);
  assert.equal(adminList.json.jobs_count, (adminList.json.jobs as J[]).length);
  assert.equal((await h.call('GET', '/jobs/seed-1', { who: 'admin' })).status, 200);
});

test('auth: no token is 401 once tokens exist; unknown token 401; seed auth_token header works', async () => {
  const none = await h.call('GET', '/jobs');
  assert.equal(none.status, 401);
  const bogus = await h.call('GET', '/jobs', { headers: { authorization: 'Bearer nope' } });
  assert.equal(bogus.status, 401);
  const seed = await h.call('GET', '/jobs', { headers: { auth_token: h.tokens.bob } });
  assert.equal(seed.status, 200);
  assert.equal((await h.call('GET', '/liveness')).status, 200, 'health stays open');
});

test('pause/resume with PUT, PATCH, run now, runs of a job, delete', async () => {
  const paused = await h.call('PUT', '/jobs/seed-1?state=paused', { who: 'alice' });
  assert.equal(paused.status, 200, paused.text);
  assert.equal((paused.json.job as J).state, 'paused');
  const resumed = await h.call('PUT', '/jobs/seed-1?state=active', { who: 'alice' });
  assert.equal((resumed.json.job as J).state, 'running');
  const patched = await h.call('PATCH', '/jobs/seed-1', { who: 'alice', body: { periodically: '3 hours', description: 'patched' } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((patched.json.job as J).periodically, '3 hours');
  assert.equal((patched.json.job as J).description, 'patched');
  const run = await h.call('POST', '/jobs/seed-1/run', { who: 'alice' });
  assert.equal(run.status, 202, run.text);
  const runId = (run.json.run as J).run_id as string;
  const runs = await h.call('GET', '/jobs/seed-1/runs', { who: 'alice' });
  assert.ok((runs.json.runs as J[]).some((r) => r.run_id === runId));
  const one = await h.call('GET', `/runs/${runId}`, { who: 'alice' });
  assert.equal(one.status, 200);
  assert.ok(Array.isArray((one.json.run as J).log));
  assert.equal((await h.call('GET', `/runs/${runId}`, { who: 'bob' })).status, 404);
  const listed = await h.call('GET', '/runs?job_id=seed-1&status=scheduled,running,succeeded', { who: 'alice' });
  assert.equal(listed.status, 200);
  const removed = await h.call('DELETE', '/jobs/seed-1', { who: 'alice' });
  assert.deepEqual(removed.json, { removed: ['seed-1'], job_id: 'seed-1' });
  assert.equal((await h.call('GET', '/jobs/seed-1', { who: 'alice' })).status, 404);
});

test('injection-looking ids are plain 404s; lists are [] when empty; limit is capped', async () => {
  const r = await h.call('GET', `/jobs/${encodeURIComponent("x'; drop table jobs; --")}`, { who: 'admin' });
  assert.equal(r.status, 404);
  const runs = await h.call('GET', '/runs?job_id=nothing', { who: 'alice' });
  assert.deepEqual(runs.json.runs, []);
  const failures = await h.call('GET', '/failures', { who: 'alice' });
  assert.deepEqual(failures.json.failures, []);
  const capped = await h.call('GET', '/jobs?limit=501', { who: 'alice' });
  assert.equal(capped.status, 400);
  assert.equal(capped.json.field, 'limit');
  const badRun = await h.call('GET', '/runs/not-a-uuid', { who: 'alice' });
  assert.equal(badRun.status, 400);
  assert.equal((await h.call('GET', '/runs/0b5c1a52-41f8-4a55-9d0c-56a0e8a1d3a7', { who: 'alice' })).status, 404);
});

test('failures, clean-failed, status callback, handlers, service state', async () => {
  const job = await h.call('POST', '/jobs/noop?job_id=cb-1&state=paused', { who: 'alice', body: {} });
  assert.equal(job.status, 201);
  const run = await h.call('POST', '/jobs/cb-1/run', { who: 'alice' });
  const runId = (run.json.run as J).run_id as string;
  // The run may already have finished by a worker? No worker runs here: it stays scheduled.
  const progress = await h.call('POST', `/runs/${runId}/status`, { who: 'alice', body: { status: 'running', progress: 40, message: 'copying' } });
  assert.equal(progress.status, 200, progress.text);
  assert.equal(progress.json.success, true);
  const failed = await h.call('POST', `/runs/${runId}/status`, { who: 'alice', body: { status: 'failed', message: 'disk full at https://u:CANARYPW@example.com/?token=CANARYTK' } });
  assert.equal((failed.json.run as J).status, 'failed');
  // The reported message is copied into the run's error, its log and the failure row: redacted there.
  const reported = await h.call('GET', `/runs/${runId}`, { who: 'alice' });
  assert.doesNotMatch(reported.text, /CANARY/);
  assert.match(String((reported.json.run as J).error), /^disk full at https:\/\/u:\*\*\*@example\.com\/\?token=\*\*\*$/);
  const again = await h.call('POST', `/runs/${runId}/status`, { who: 'alice', body: { status: 'succeeded' } });
  assert.equal(again.status, 409);
  const list = await h.call('GET', '/failures?job_id=cb-1', { who: 'alice' });
  const failures = list.json.failures as J[];
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.message, 'disk full at https://u:***@example.com/?token=***');
  assert.equal((await h.call('GET', `/failures/${String(failures[0]!.failure_id)}`, { who: 'bob' })).status, 404);
  assert.equal((await h.call('GET', `/failures/${String(failures[0]!.failure_id)}`, { who: 'alice' })).status, 200);
  assert.deepEqual((await h.call('DELETE', '/jobs/clean-failed', { who: 'bob' })).json, { removed: [] });
  const failureId = String(failures[0]!.failure_id);
  assert.equal((await h.call('DELETE', `/failures/${failureId}`, { who: 'bob' })).status, 404, "another user's failure is not theirs to remove");
  assert.deepEqual((await h.call('DELETE', `/failures/${failureId}`, { who: 'alice' })).json, { removed: [failureId] });
  assert.equal((await h.call('DELETE', `/failures/${failureId}`, { who: 'alice' })).status, 404);
  assert.deepEqual((await h.call('DELETE', '/jobs/clean-failed', { who: 'alice' })).json, { removed: [] });
  assert.deepEqual((await h.call('DELETE', '/failures', { who: 'alice' })).json, { removed: [] });

  const handlers = await h.call('GET', '/handlers', { who: 'bob' });
  assert.ok((handlers.json.handlers as J[]).some((x) => x.name === 'command' && typeof x.kwargs_schema === 'object'));

  assert.deepEqual((await h.call('GET', '/service/state', { who: 'bob' })).json, { state: 'running' });
  assert.equal((await h.call('PUT', '/service/state?state=paused', { who: 'bob' })).status, 403);
  assert.deepEqual((await h.call('PUT', '/service/state?state=paused', { who: 'admin' })).json, { state: 'paused' });
  assert.deepEqual((await h.call('PUT', '/service/state?state=running', { who: 'admin' })).json, { state: 'running' });
});

test('the job-file JSON Schema is served, with every loaded handler', async () => {
  const res = await h.call('GET', '/schemas/job-file.json', { who: 'alice' });
  assert.equal(res.status, 200);
  const text = JSON.stringify(res.json);
  for (const name of ['command', 'http', 'noop']) assert.ok(text.includes(name), name);
});
