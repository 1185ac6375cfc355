// End to end over a socket, as an operator and an attacker would: tokens made by the real
// `bosun tokens create` (one granted `command` with --handlers), the service started as
// `node src/main.ts` with default settings (BOSUN_AUTH=auto on loopback). A plain token cannot
// create a `command` job, the granted one can; revoking every token leaves the API closed. Then
// the operator turns `command` off (BOSUN_HANDLERS): the stored job's run fails with the reason,
// creating one is 404, its endpoint leaves the served spec, and a YAML job naming it stops startup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../helpers/database.ts';
import { spawnLogged, type Spawned } from '../helpers/process.ts';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const url = await createTestDatabase();
const noJobs = await mkdtemp(join(tmpdir(), 'bosun-sec-jobs-'));
test.after(() => rm(noJobs, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { BOSUN_TEST_DATABASE_URL: _ignored, ...rest } = process.env;
  // No default jobs or flows (the repository's flow runs `command`, which one test turns off).
  return { ...rest, DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'info', BOSUN_DEFAULT_JOBS_DIR: noJobs, BOSUN_FLOWS_DIR: noJobs, ...extra };
}

const bosun = (args: string[]) => run(process.execPath, ['src/cli/main.ts', ...args], { cwd: ROOT, env: env() });

async function start(extra: Record<string, string> = {}): Promise<{ service: Spawned; base: string }> {
  const service = spawnLogged(process.execPath, ['src/main.ts'], env(extra), ROOT);
  const base = String((await service.waitForLine((l) => l.msg === 'bosun API listening')).url);
  return { service, base };
}

async function stop(service: Spawned) {
  service.child.kill('SIGTERM');
  await service.exited;
}

const send = (base: string, method: string, path: string, token?: string, body?: unknown) =>
  fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

let alice = '';

test('over a socket: a plain token gets 403 naming command, a token made with --handlers command creates the job', async () => {
  // Migrates the database too.
  alice = (await bosun(['tokens', 'create', '--user', 'alice', '--handlers', 'command'])).stdout.trim();
  const bob = (await bosun(['tokens', 'create', '--user', 'bob'])).stdout.trim();
  const listed = await bosun(['tokens', 'list']);
  assert.match(listed.stdout, /alice \(handlers: command\)/);
  assert.doesNotMatch(listed.stdout, /bob \(/);

  const { service, base } = await start();
  try {
    const attack = await send(base, 'POST', '/jobs/command?job_id=pwn', bob, { command: ['sh', '-c', 'id > /tmp/bosun-pwned'] });
    assert.equal(attack.status, 403);
    const problem = (await attack.json()) as Record<string, unknown>;
    assert.equal(problem.handler, 'command');
    assert.equal(problem.field, 'handler');
    assert.equal((await send(base, 'GET', '/jobs/pwn', bob)).status, 404, 'nothing was created');

    const created = await send(base, 'POST', '/jobs/command?job_id=report&state=paused', alice, { command: ['echo', 'report'] });
    assert.equal(created.status, 201, await created.clone().text());

    // Every token revoked: anonymous on loopback is still refused.
    await bosun(['tokens', 'revoke', '--user', 'alice']);
    await bosun(['tokens', 'revoke', '--user', 'bob']);
    assert.equal((await send(base, 'GET', '/jobs')).status, 401);
  } finally {
    await stop(service);
  }
});

test('BOSUN_HANDLERS without command: its stored job fails its run with the reason, it cannot be created, its endpoint is gone', async () => {
  const admin = (await bosun(['tokens', 'create', '--user', 'root', '--admin'])).stdout.trim();
  const { service, base } = await start({ BOSUN_HANDLERS: 'noop,http' });
  try {
    const refused = await send(base, 'POST', '/jobs', admin, { handler: 'command', kwargs: { command: 'true' } });
    assert.equal(refused.status, 404);
    const problem = (await refused.json()) as Record<string, unknown>;
    assert.equal(problem.type, 'https://bosun.dev/problems/unknown-handler');
    assert.match(String(problem.detail), /handler 'command' is turned off on this bosun \(BOSUN_HANDLERS turns on only: http, noop\)/);
    assert.equal((await send(base, 'POST', '/jobs/command', admin, { command: 'true' })).status, 404);

    const spec = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(spec.paths['/jobs/noop'] && !spec.paths['/jobs/command'], 'the served spec has no command endpoint');
    const handlers = (await (await send(base, 'GET', '/handlers', admin)).json()) as { handlers: Array<{ name: string }> };
    assert.deepEqual(handlers.handlers.map((h) => h.name).sort(), ['http', 'noop']);

    // The job stored while command was on: its run fails with the reason, the service carries on.
    const started = await send(base, 'POST', '/jobs/report/run', admin);
    assert.equal(started.status, 202);
    const { run } = (await started.json()) as { run: { run_id: string } };
    let ended: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !['failed', 'succeeded'].includes(String(ended.status)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      ended = ((await (await send(base, 'GET', `/runs/${run.run_id}`, admin)).json()) as { run: Record<string, unknown> }).run;
    }
    assert.equal(ended.status, 'failed');
    assert.match(JSON.stringify(ended), /turned off/);
    assert.equal((await fetch(`${base}/api/v1/liveness`)).status, 200);
  } finally {
    await stop(service);
  }

  // A default job naming it stops startup, naming the file and line, as an unknown handler does.
  const jobs = await mkdtemp(join(tmpdir(), 'bosun-sec-yaml-'));
  try {
    await writeFile(join(jobs, 'cleanup.yaml'), 'job_id: cleanup\nhandler: command\nkwargs:\n  command: "true"\nperiodically: 1 day\n');
    const refused = spawnLogged(process.execPath, ['src/main.ts'], env({ BOSUN_HANDLERS: 'noop', BOSUN_DEFAULT_JOBS_DIR: jobs }), ROOT);
    const { code } = await refused.exited;
    assert.equal(code, 1);
    assert.match(refused.output(), /cleanup\.yaml:2:\d+ handler: .*handler 'command' is turned off/);
  } finally {
    await rm(jobs, { recursive: true, force: true });
  }
});
