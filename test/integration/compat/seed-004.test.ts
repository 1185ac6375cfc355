// simplejob (seed 004), the way its users work: a DAG of command jobs handed over at run time
// (JobManager.entry(jobContexts)), refused when ids are missing or doubled, waits unknown or
// circular; each job's report and log; retry with a backoff power. Two bosun instances share one
// database: a flow defined on one runs on the other without a restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { startService } from '../../../src/service.ts';
import { createToken } from '../../../src/auth/tokens.ts';
import { createTestDatabase, testLogger } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';
import { bosun } from '../cli/cli-process.ts';
import { until } from './compat-http.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;
const databaseUrl = await createTestDatabase();
const emptyDir = () => mkdtempSync(join(tmpdir(), 'bosun-seed-004-'));

// Instance B: `npm start` on the same database, started before any flow is defined.
const { BOSUN_TEST_DATABASE_URL: _ignored, ...env } = process.env;
const other = spawnLogged('npm', ['start', '--silent'], { ...env, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', BOSUN_AUTH: 'on', BOSUN_DEFAULT_JOBS_DIR: emptyDir() }, ROOT);
after(async () => {
  try {
    process.kill(-other.child.pid!, 'SIGINT');
    await other.exited;
  } catch {
    /* already gone */
  }
});

// Instance A: in this process.
const service = await startService(
  loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', BOSUN_AUTH: 'on', BOSUN_DEFAULT_JOBS_DIR: emptyDir(), BOSUN_SHUTDOWN_TIMEOUT: '1' }),
  testLogger,
);
after(() => service.stop());
const otherUrl = String((await other.waitForLine((l) => l.msg === 'bosun API listening')).url);

const tokens = {
  alice: (await createToken(service.database.db, { user: 'alice', handlers: ['command'] })).token,
  bob: (await createToken(service.database.db, { user: 'bob' })).token,
  admin: (await createToken(service.database.db, { user: 'root', admin: true })).token,
};

async function call(method: string, path: string, options: { who?: keyof typeof tokens; body?: unknown; base?: string } = {}) {
  const res = await fetch(`${options.base ?? service.url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[options.who ?? 'alice']}` },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}


const finished = (flowRunId: string, base?: string) =>
  until(`flow run ${flowRunId}`, async () => {
    const got = await call('GET', `/flow-runs/${flowRunId}`, base ? { base } : {});
    return ['succeeded', 'failed'].includes(got.json.flow_run.status) ? (got.json.flow_run as Record<string, any>) : undefined;
  });

// The README's jobContexts, verbatim in ids and waiting lists; `timeout /t N /nobreak` (Windows)
// becomes a short `sleep`, and "commandLine" bosun's command handler.
const jobContexts = [
  { id: 'hoge', commandLine: 'timeout /t 1 /nobreak' },
  { id: 'piyo', commandLine: 'timeout /t 3 /nobreak', waiting: ['hoge'] },
  { id: 'fuga', commandLine: 'timeout /t 5 /nobreak', waiting: ['hoge'] },
  { id: 'moga', commandLine: 'timeout /t 2 /nobreak', waiting: ['hoge', 'fuga'] },
];
const asStep = (c: { id: string; commandLine: string; waiting?: string[] }) => ({
  id: c.id,
  handler: 'command',
  kwargs: { command: ['sleep', `0.${c.commandLine.split(' ')[2]}`] },
  ...(c.waiting ? { waits: c.waiting } : {}),
});
const simplejob = { name: 'simplejob', steps: jobContexts.map(asStep) };

test('POST /flows: the jobContexts as a flow, stored, listed beside the file flows, started on the other instance without a restart', async () => {
  const created = await call('POST', '/flows', { body: simplejob });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assert.equal(created.json.flow.source, 'api');
  assert.equal(created.json.flow.file, null);
  assert.equal(created.json.flow.owner, 'alice');
  assert.deepEqual(created.json.flow.graph.order, ['hoge', 'piyo', 'fuga', 'moga']);

  const list = await call('GET', '/flows');
  const sources = Object.fromEntries((list.json.flows as Array<{ name: string; source: string }>).map((f) => [f.name, f.source]));
  assert.deepEqual(sources, { bayesianFlow: 'file', simplejob: 'api' });

  // Instance B never restarted: it sees the flow and runs it.
  const seen = await call('GET', '/flows/simplejob', { base: otherUrl });
  assert.equal(seen.status, 200, JSON.stringify(seen.json));
  const started = await call('POST', '/flows/simplejob/runs', { base: otherUrl, body: {} });
  assert.equal(started.status, 201, JSON.stringify(started.json));
  const run = await finished(started.json.flow_run.flow_run_id, otherUrl);
  assert.equal(run.status, 'succeeded');
  const at: Record<string, any> = Object.fromEntries((run.steps as Array<Record<string, any>>).map((s) => [s.step_id, s]));
  // simplejob's report: status, exit code, start, finish, elapsed per job; the waits held.
  for (const s of Object.values(at)) assert.ok(s.status === 'succeeded' && s.exit_code === 0 && s.started_at && s.finished_at && typeof s.elapsed_ms === 'number');
  assert.ok(at.piyo.started_at >= at.hoge.finished_at && at.fuga.started_at >= at.hoge.finished_at);
  assert.ok(at.moga.started_at >= at.fuga.finished_at);
});

test("entry's checks: missing and duplicate ids, unknown waits and cycles answer 400 naming the step", async () => {
  const refused = async (steps: unknown[], field: RegExp, message: RegExp) => {
    const res = await call('POST', '/flows', { body: { name: 'broken', steps } });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(res.json.type, 'https://bosun.dev/problems/invalid-flow');
    assert.match(res.json.field, field);
    assert.match(res.json.detail, message);
    assert.ok(Array.isArray(res.json.errors) && res.json.errors.length > 0);
  };
  await refused([{ handler: 'noop' }], /^steps\[0\]/, /step 1: id is required/);
  await refused([{ id: 'hoge', handler: 'noop' }, { id: 'hoge', handler: 'noop' }], /^steps\[1\]\.id$/, /step 'hoge' is declared twice/);
  await refused([{ id: 'hoge', handler: 'noop' }, { id: 'moga', handler: 'noop', waits: ['hoge', 'nope'] }], /^steps\[1\]\.waits\[1\]$/, /step 'moga' waits for 'nope', which is not a step/);
  await refused(
    [{ id: 'piyo', handler: 'noop', waits: ['fuga'] }, { id: 'fuga', handler: 'noop', waits: ['piyo'] }],
    /^steps\[0\]\.waits$/,
    /cycle: piyo waits for fuga waits for piyo/,
  );
  assert.equal((await call('GET', '/flows/broken')).status, 404, 'nothing was stored');
});

test('bounds: at most 1000 steps; a powerful step needs the grant; a name of a file flow is refused', async () => {
  const wide = { name: 'wide', steps: Array.from({ length: 1001 }, (_, i) => ({ id: `s${i}`, handler: 'noop' })) };
  const tooWide = await call('POST', '/flows', { body: wide });
  assert.equal(tooWide.status, 400);
  assert.match(tooWide.json.detail, /1000/);

  const plain = await call('POST', '/flows', { who: 'bob', body: { ...simplejob, name: 'bob-simplejob' } });
  assert.equal(plain.status, 403);
  assert.equal(plain.json.handler, 'command');

  const taken = await call('POST', '/flows', { body: { name: 'bayesianFlow', steps: [{ id: 'a', handler: 'noop' }] } });
  assert.equal(taken.status, 409);
  assert.match(taken.json.detail, /declared in the file flows\/bayesian-flow\.yaml; flows from files are read-only/);
  const again = await call('POST', '/flows', { body: simplejob });
  assert.equal(again.status, 409);
  assert.match(again.json.detail, /PUT \/flows\/simplejob replaces it/);
});

test('PUT and DELETE change API-defined flows only, and only their owner or an admin', async () => {
  for (const method of ['PUT', 'DELETE']) {
    const res = await call(method, '/flows/bayesianFlow', method === 'PUT' ? { body: { steps: [{ id: 'a', handler: 'noop' }] } } : {});
    assert.equal(res.status, 409, `${method} of a file flow`);
    assert.match(res.json.detail, /flows\/bayesian-flow\.yaml/);
  }
  const made = await call('PUT', '/flows/bob-flow', { who: 'bob', body: { steps: [{ id: 'a', handler: 'noop' }] } });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const replaced = await call('PUT', '/flows/bob-flow', { who: 'bob', body: { steps: [{ id: 'a', handler: 'noop' }, { id: 'b', handler: 'noop', waits: ['a'] }] } });
  assert.equal(replaced.status, 200);
  assert.deepEqual(replaced.json.flow.graph.edges, [{ from: 'a', to: 'b' }]);
  const renamed = await call('PUT', '/flows/bob-flow', { who: 'bob', body: { name: 'other', steps: [{ id: 'a', handler: 'noop' }] } });
  assert.equal(renamed.status, 400);

  const notHers = await call('DELETE', '/flows/bob-flow', { who: 'alice' });
  assert.equal(notHers.status, 403);
  const gone = await call('DELETE', '/flows/bob-flow', { who: 'admin' });
  assert.deepEqual([gone.status, gone.json], [200, { removed: ['bob-flow'] }]);
  assert.equal((await call('GET', '/flows/bob-flow')).status, 404);
  await until('instance B to forget bob-flow', async () => ((await call('GET', '/flows/bob-flow', { base: otherUrl })).status === 404 ? true : undefined));
  assert.equal((await call('DELETE', '/flows/bob-flow', { who: 'admin' })).status, 404);
});

test('step runs are runs: listed by flow_run_id, read with their log; a failed step links back to its flow run', async () => {
  const flow = {
    name: 'one-fails',
    steps: [
      { id: 'ok', handler: 'command', kwargs: { command: ['echo', 'hello'] } },
      { id: 'bad', handler: 'command', kwargs: { command: ['sh', '-c', 'echo oops >&2; exit 3'] }, waits: ['ok'] },
      { id: 'after', handler: 'noop', waits: ['bad'] },
    ],
  };
  assert.equal((await call('POST', '/flows', { body: flow })).status, 201);
  const started = await call('POST', '/flows/one-fails/runs', { body: {} });
  const run = await finished(started.json.flow_run.flow_run_id);
  assert.equal(run.status, 'failed');

  const listed = await call('GET', `/runs?flow_run_id=${run.flow_run_id}`);
  assert.equal(listed.status, 200, JSON.stringify(listed.json));
  const byStep = Object.fromEntries((listed.json.runs as Array<Record<string, any>>).map((r) => [r.step_id, r]));
  assert.deepEqual(Object.keys(byStep).sort(), ['after', 'bad', 'ok']);
  assert.deepEqual(
    ['ok', 'bad', 'after'].map((id) => [byStep[id].status, byStep[id].step_status, byStep[id].trigger, byStep[id].flow_run_id, byStep[id].job_id]),
    [
      ['succeeded', 'succeeded', 'flow', run.flow_run_id, null],
      ['failed', 'failed', 'flow', run.flow_run_id, null],
      ['skipped', 'blocked', 'flow', run.flow_run_id, null],
    ],
  );
  assert.equal(listed.json.total, 3);
  assert.equal((await call('GET', '/runs?flow_run_id=not-a-uuid')).status, 400);

  // Every run list shows queued steps among job runs; a status no step has leaves them out.
  const all = await call('GET', '/runs?limit=500');
  assert.ok((all.json.runs as Array<Record<string, any>>).some((r) => r.run_id === byStep.ok.run_id));
  const failedOnly = await call('GET', '/runs?status=failed');
  assert.ok((failedOnly.json.runs as Array<Record<string, any>>).every((r) => r.status === 'failed'));
  assert.ok((failedOnly.json.runs as Array<Record<string, any>>).some((r) => r.run_id === byStep.bad.run_id));

  const one = await call('GET', `/runs/${byStep.ok.run_id}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.run.flow_name, 'one-fails');
  assert.ok(Array.isArray(one.json.run.log));

  // The failure row's run_id is the step's run: it reads back, naming its flow run.
  const failures = await call('GET', '/failures?limit=50');
  const failure = (failures.json.failures as Array<Record<string, any>>).find((f) => f.run_id === byStep.bad.run_id);
  assert.ok(failure, JSON.stringify(failures.json));
  const failedRun = await call('GET', `/runs/${failure.run_id}`);
  assert.equal(failedRun.status, 200);
  assert.equal(failedRun.json.run.flow_run_id, run.flow_run_id);
  assert.match(failedRun.json.run.error, /exit|3/);

  // `bosun runs`: the steps of the flow run, and one step's run with its flow run named.
  const cli = await bosun(service.url!, ['runs', 'list', '--flow-run', run.flow_run_id], { BOSUN_TOKEN: tokens.alice });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /flow one-fails bad/);
  const shown = await bosun(service.url!, ['runs', 'show', byStep.bad.run_id], { BOSUN_TOKEN: tokens.alice });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`flow run ${run.flow_run_id} \\(one-fails\\), step bad: failed`));

  // Another user sees neither the step runs nor one of them.
  assert.equal((await call('GET', `/runs/${byStep.ok.run_id}`, { who: 'bob' })).status, 404);
  assert.equal((await call('GET', `/runs?flow_run_id=${run.flow_run_id}`, { who: 'bob' })).json.total, 0);
  assert.equal((await call('DELETE', '/flows/one-fails')).status, 200, 'its past runs stay');
  assert.equal((await call('GET', `/runs/${byStep.ok.run_id}`)).status, 200);
});

test('retry_backoff takes a factor (simplejob backkoff): 3 multiplies the delay by 3 each retry; bounded', async () => {
  const job = await call('POST', '/jobs', { body: { job_id: 'backoff-3', handler: 'noop', state: 'paused', retries: 2, retry_delay: '1s', retry_backoff: 3 } });
  assert.equal(job.status, 201, JSON.stringify(job.json));
  assert.equal(job.json.job.retry_backoff, 3);
  const doubling = await call('POST', '/jobs', { body: { job_id: 'backoff-true', handler: 'noop', state: 'paused', retries: 2, retry_backoff: true } });
  assert.equal(doubling.json.job.retry_backoff, true);
  const tooMuch = await call('POST', '/jobs', { body: { job_id: 'backoff-11', handler: 'noop', retry_backoff: 11 } });
  assert.equal(tooMuch.status, 400);
  assert.equal(tooMuch.json.field, 'retry_backoff');

  const step = await call('POST', '/flows', { body: { name: 'retrying', steps: [{ id: 'a', handler: 'noop', retries: 1, retry_delay: '1s', retry_backoff: 3 }] } });
  assert.equal(step.status, 201, JSON.stringify(step.json));
  assert.equal(step.json.flow.steps[0].retry_backoff, 3);
  const badStep = await call('POST', '/flows', { body: { name: 'retrying2', steps: [{ id: 'a', handler: 'noop', retry_backoff: 0.5 }] } });
  assert.equal(badStep.status, 400);
  assert.equal(badStep.json.field, 'steps[0].retry_backoff');

  // A flow that a job starts cannot be deleted under it.
  const starter = await call('POST', '/jobs', { body: { job_id: 'starts-retrying', handler: 'flow-scheduling', state: 'paused', kwargs: { flow_name: 'retrying' } } });
  assert.equal(starter.status, 201, JSON.stringify(starter.json));
  const inUse = await call('DELETE', '/flows/retrying');
  assert.equal(inUse.status, 409);
  assert.match(inUse.json.detail, /started by job\(s\) starts-retrying/);
});
