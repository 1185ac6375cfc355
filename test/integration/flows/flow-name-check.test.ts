// flow-scheduling's flow_name and selective-flow-scheduling's task_names are checked when the job
// is defined: over the API (400), in default-job files at startup (flows are loaded first), and
// by `bosun validate` (which reads the flows folder, without a database).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;
const { BOSUN_TEST_DATABASE_URL: _ignored, ...rest } = process.env;

const job = (jobId: string, flowName: string) => `job_id: ${jobId}
handler: flow-scheduling
state: paused
kwargs:
  flow_name: ${flowName}
  flow_arguments: [{ecosystem: npm, name: serve-static, version: 1.7.1}]
periodically: 1 day
`;
async function jobsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-flow-jobs-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

// A service whose default jobs name the committed flow: accepted, since flows load before job files.
const goodJobs = await jobsDir({ 'daily-flow.yaml': job('daily-flow', 'bayesianFlow') });
const app = spawnLogged('npm', ['start', '--silent'], { ...rest, DATABASE_URL: await createTestDatabase(), PORT: '0', LOG_LEVEL: 'info', BOSUN_AUTH: 'auto', BOSUN_DEFAULT_JOBS_DIR: goodJobs }, ROOT);
after(async () => {
  try {
    process.kill(-app.child.pid!, 'SIGINT');
    await app.exited;
  } catch {
    /* already gone */
  }
});
const url = `${String((await app.waitForLine((l) => l.msg === 'bosun API listening')).url)}/api/v1`;

async function post(path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

test('a default job naming a known flow is accepted at startup', async () => {
  const res = await fetch(`${url}/jobs/daily-flow`, { headers: { accept: 'application/json' } });
  assert.equal(res.status, 200);
});

test('POST /jobs/flow-scheduling with an unknown flow_name: 400 naming kwargs.flow_name and the known flows', async () => {
  const res = await post('/jobs/flow-scheduling', { flow_name: 'noSuchFlow', flow_arguments: [{}] });
  assert.equal(res.status, 400, JSON.stringify(res.json));
  assert.equal(res.json.field, 'kwargs.flow_name');
  assert.match(res.json.detail, /no flow named 'noSuchFlow' \(known flows: bayesianFlow\)/);
  assert.deepEqual(res.json.known_flows, ['bayesianFlow']);
  // The generic POST /jobs goes through the same definition.
  const generic = await post('/jobs', { handler: 'flow-scheduling', kwargs: { flow_name: 'noSuchFlow' } });
  assert.equal(generic.status, 400);
  assert.equal(generic.json.field, 'kwargs.flow_name');
  assert.equal((await post('/jobs/flow-scheduling', { flow_name: 'bayesianFlow', flow_arguments: [] })).status, 201);
});

test('selective-flow-scheduling with an unknown task name: 400 naming kwargs.task_names[i] and the steps', async () => {
  const res = await post('/jobs/selective-flow-scheduling', { flow_name: 'bayesianFlow', task_names: ['report', 'nope'], flow_arguments: [] });
  assert.equal(res.status, 400, JSON.stringify(res.json));
  assert.equal(res.json.field, 'kwargs.task_names[1]');
  assert.match(res.json.detail, /'nope' is not a step of flow 'bayesianFlow' \(steps: fetch_metadata, analyse_dependencies, analyse_licence, report\)/);
  const unknownFlow = await post('/jobs/selective-flow-scheduling', { flow_name: 'other', task_names: ['report'] });
  assert.equal(unknownFlow.json.field, 'kwargs.flow_name');
  assert.equal((await post('/jobs/selective-flow-scheduling', { flow_name: 'bayesianFlow', task_names: ['report'], flow_arguments: [] })).status, 201);
});

test('startup refuses a default job naming an unknown flow; bosun validate reports it too', async () => {
  const badJobs = await jobsDir({ 'bad-flow.yaml': job('bad-flow', 'bayesianFlw') });
  const bad = spawnLogged('node', ['src/main.ts'], { ...rest, DATABASE_URL: await createTestDatabase(), PORT: '0', LOG_LEVEL: 'info', BOSUN_AUTH: 'auto', BOSUN_DEFAULT_JOBS_DIR: badJobs }, ROOT);
  const { code } = await bad.exited;
  assert.notEqual(code, 0);
  assert.match(bad.output(), /bad-flow\.yaml:\d+:\d+ kwargs\.flow_name: .*no flow named 'bayesianFlw' \(known flows: bayesianFlow\)/);

  const validate = spawnLogged('node', ['src/cli/main.ts', 'validate', badJobs], { ...rest }, ROOT);
  assert.equal((await validate.exited).code, 4, validate.output());
  assert.match(validate.output(), /kwargs\.flow_name: .*no flow named 'bayesianFlw'/);
  const ok = spawnLogged('node', ['src/cli/main.ts', 'validate', goodJobs], { ...rest }, ROOT);
  assert.equal((await ok.exited).code, 0, ok.output());
  assert.match(ok.output(), /1 job file\(s\) valid .*; 1 flow\(s\) valid/);
});
