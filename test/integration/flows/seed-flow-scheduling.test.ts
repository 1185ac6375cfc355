// The seed README's curl, against `npm start`, over real HTTP: one flow run per argument.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;
const databaseUrl = await createTestDatabase();
const { BOSUN_TEST_DATABASE_URL: _ignored, ...rest } = process.env;
const app = spawnLogged('npm', ['start', '--silent'], { ...rest, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', BOSUN_AUTH: 'auto' }, ROOT);
after(async () => {
  try {
    process.kill(-app.child.pid!, 'SIGINT');
    await app.exited;
  } catch {
    /* already gone */
  }
});
const url = `${String((await app.waitForLine((l) => l.msg === 'bosun API listening')).url)}/api/v1`;

const SEED_BODY = {
  flow_arguments: [
    { ecosystem: 'npm', force: true, name: 'serve-static', version: '1.7.1' },
    { ecosystem: 'maven', force: true, name: 'net.iharder:base64', version: '2.3.9' },
  ],
  flow_name: 'bayesianFlow',
};

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${app.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the seed curl (POST /jobs/flow-scheduling?state=running) starts one bayesianFlow run per argument', async () => {
  const created = await call('POST', '/jobs/flow-scheduling?state=running', SEED_BODY);
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const jobId = created.json.job.job_id as string;
  assert.equal(created.json.job.handler, 'flow-scheduling');

  const runs = await until('two finished flow runs', async () => {
    const list = await call('GET', `/flow-runs?job_id=${encodeURIComponent(jobId)}`);
    const done = (list.json.flow_runs as Array<{ status: string }>).filter((r) => r.status === 'succeeded' || r.status === 'failed');
    return list.json.total === 2 && done.length === 2 ? (list.json.flow_runs as Array<Record<string, any>>) : undefined;
  });
  assert.deepEqual(runs.map((r) => r.status), ['succeeded', 'succeeded']);
  assert.deepEqual(runs.map((r) => r.arguments.name).sort(), ['net.iharder:base64', 'serve-static']);
  for (const r of runs) assert.equal(r.arguments.job_id, jobId, 'each run gets the item plus job_id');

  const one = await call('GET', `/flow-runs/${runs.find((r) => r.arguments.name === 'serve-static')!.flow_run_id}`);
  assert.equal(one.status, 200);
  const steps = one.json.flow_run.steps as Array<Record<string, any>>;
  assert.deepEqual(steps.map((s) => [s.step_id, s.status, s.exit_code, s.attempts]), [
    ['fetch_metadata', 'succeeded', 0, 1],
    ['analyse_dependencies', 'succeeded', 0, 1],
    ['analyse_licence', 'succeeded', 0, 1],
    ['report', 'succeeded', 0, 1],
  ]);
  for (const s of steps) assert.ok(s.started_at && s.finished_at && typeof s.elapsed_ms === 'number');
  assert.match(steps[3]!.result.stdout_tail, /report for npm\/serve-static: dependencies of serve-static@1\.7\.1/);

  // The job's own run records what it started.
  const jobRuns = await call('GET', `/runs?job_id=${encodeURIComponent(jobId)}`);
  assert.equal(jobRuns.json.runs[0].status, 'succeeded');
});

test('flows API: list with graph, start, 404 for an unknown flow, 400 for a missing argument, 409 rerun of a success', async () => {
  const list = await call('GET', '/flows');
  assert.equal(list.status, 200);
  const bayes = (list.json.flows as Array<Record<string, any>>).find((f) => f.name === 'bayesianFlow')!;
  assert.deepEqual(bayes.graph.order, ['fetch_metadata', 'analyse_dependencies', 'analyse_licence', 'report']);
  assert.equal(bayes.graph.edges.length, 4);

  const started = await call('POST', '/flows/bayesianFlow/runs', { arguments: { ecosystem: 'pypi', name: 'requests', version: '2.0' } });
  assert.equal(started.status, 201, JSON.stringify(started.json));
  const id = started.json.flow_run.flow_run_id as string;
  await until('the run to finish', async () => ((await call('GET', `/flow-runs/${id}`)).json.flow_run.status === 'succeeded' ? true : undefined));
  const rerun = await call('POST', `/flow-runs/${id}/rerun`);
  assert.equal(rerun.status, 409);
  assert.match(rerun.json.detail, /only a failed flow run can be rerun/);

  const unknown = await call('POST', '/flows/nope/runs', {});
  assert.equal(unknown.status, 404);
  const missing = await call('POST', '/flows/bayesianFlow/runs', { arguments: { name: 'x' } });
  assert.equal(missing.status, 400);
  assert.match(missing.json.detail, /needs argument 'ecosystem' \(step 'fetch_metadata'/);
  assert.equal((await call('GET', '/flow-runs/00000000-0000-0000-0000-000000000000')).status, 404);
});

test('selective-flow-scheduling runs only the named step and its dependants', async () => {
  const created = await call('POST', '/jobs/selective-flow-scheduling?state=running', {
    flow_name: 'bayesianFlow',
    task_names: ['analyse_dependencies'],
    run_subsequent: true,
    flow_arguments: [{ ecosystem: 'npm', name: 'left-pad', version: '1.3.0' }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const run = await until('the selective run', async () => {
    const list = await call('GET', `/flow-runs?job_id=${encodeURIComponent(created.json.job.job_id)}`);
    const r = list.json.flow_runs[0];
    return r && r.status !== 'running' ? r : undefined;
  });
  const steps = (await call('GET', `/flow-runs/${run.flow_run_id}`)).json.flow_run.steps as Array<Record<string, any>>;
  assert.deepEqual(Object.fromEntries(steps.map((s) => [s.step_id, s.status])), {
    fetch_metadata: 'skipped',
    analyse_dependencies: 'succeeded',
    analyse_licence: 'skipped',
    report: 'succeeded',
  });
});
