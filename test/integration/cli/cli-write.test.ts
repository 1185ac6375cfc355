// The `bosun` binary writing to a real service: jobs create (flags and -f), apply with its
// difference first, flows list|show|run, and jobs run --wait printing the log as it comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { bosun, createJob, json, ROOT, startService, type CliResult } from './cli-process.ts';

const { url } = await startService();
const run = (...args: string[]) => bosun(url, args);
const dir = await mkdtemp(join(tmpdir(), 'bosun-cli-apply-'));
after(() => rm(dir, { recursive: true, force: true }));

function ok(result: CliResult): CliResult {
  assert.equal(result.code, 0, `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return result;
}

async function job(id: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${url}/api/v1/jobs/${id}`);
  return response.status === 404 ? undefined : ((await response.json()) as { job: Record<string, unknown> }).job;
}

test('jobs create makes a job from flags; a taken id, bad JSON and a missing handler are refused', async () => {
  const created = json<{ job_id: string; handler: string; state: string; kwargs: Record<string, unknown>; periodically: string }>(
    ok(await run('jobs', 'create', 'made-by-flags', '--handler', 'command', '--kwargs', '{"command": "echo hi"}', '--periodically', '2 hours', '--paused', '--retries', '2', '--json')),
  );
  assert.equal(created.job_id, 'made-by-flags');
  assert.equal(created.state, 'paused');
  assert.equal(created.periodically, '2 hours');
  assert.equal((await job('made-by-flags'))?.retries, 2);

  const again = await run('jobs', 'create', 'made-by-flags', '--handler', 'noop');
  assert.equal(again.code, 4, again.stderr);
  assert.match(again.stderr, /made-by-flags/);
  const badJson = await run('jobs', 'create', '--handler', 'command', '--kwargs', '{command:');
  assert.equal(badJson.code, 2);
  assert.match(badJson.stderr, /--kwargs: not JSON/);
  assert.equal((await run('jobs', 'create', 'x')).code, 2);
  const badKwargs = await run('jobs', 'create', 'bad-kwargs', '--handler', 'command', '--kwargs', '{"comand": "echo"}');
  assert.equal(badKwargs.code, 4, badKwargs.stderr);
  assert.match(badKwargs.stderr, /comand/);
  assert.equal(await job('bad-kwargs'), undefined);
});

test('jobs create -f sends one YAML job file, checked first with file:line', async () => {
  const file = join(dir, 'single', 'from-file.yaml');
  await rm(join(dir, 'single'), { recursive: true, force: true });
  await mkdir(join(dir, 'single'));
  await writeFile(file, 'job_id: from-file\nhandler: noop\nperiodically: 3 hours\ndescription: from a file\n');
  const created = ok(await run('jobs', 'create', '-f', file));
  assert.match(created.stdout, /^created from-file \(noop, every 3 hours/);
  assert.equal((await job('from-file'))?.description, 'from a file');

  await writeFile(file, 'job_id: broken-file\nhandler: noop\nperiodically: sometimes\n');
  const refused = await run('jobs', 'create', '-f', file);
  assert.equal(refused.code, 4);
  assert.match(refused.stderr, /from-file\.yaml:3:1 periodically: /);
  assert.equal(await job('broken-file'), undefined);
});

test('apply shows the difference, applies it on --yes, and then has nothing to change', async () => {
  const folder = join(dir, 'jobs');
  await mkdir(folder);
  await writeFile(join(folder, 'alpha.yaml'), 'job_id: alpha\nhandler: command\ncommand: echo alpha\nperiodically: 1 hour\ndescription: first\n');
  await writeFile(join(folder, 'beta.yml'), 'job_id: beta\nhandler: command\nkwargs:\n  command: echo beta\n  env:\n    API_TOKEN: s3cret-token\ncron: "0 4 * * *"\n');

  const dry = ok(await run('apply', folder, '--dry-run'));
  assert.match(dry.stdout, /^\+ alpha \(.*alpha\.yaml\): create$/m);
  assert.match(dry.stdout, /^\+ beta \(.*beta\.yml\): create$/m);
  assert.match(dry.stdout, /2 job\(s\) to change; nothing applied \(--dry-run\)/);
  assert.equal(await job('alpha'), undefined);

  // No terminal to confirm on: refused without --yes, nothing sent.
  const unconfirmed = await run('apply', folder);
  assert.equal(unconfirmed.code, 2, unconfirmed.stderr);
  assert.equal(await job('alpha'), undefined);

  const applied = ok(await run('apply', folder, '--yes'));
  assert.match(applied.stdout, /^created alpha$/m);
  assert.match(applied.stdout, /^created beta$/m);
  assert.equal((await job('alpha'))?.description, 'first');
  assert.deepEqual(((await job('beta'))?.kwargs as { env: unknown }).env, { API_TOKEN: '***' });

  // The secret shows as *** in the service's view: not a change.
  const same = ok(await run('apply', folder, '--yes'));
  assert.match(same.stdout, /^= alpha .*unchanged$/m);
  assert.match(same.stdout, /^= beta .*unchanged$/m);
  assert.match(same.stdout, /^nothing to change$/m);

  // A pause made through the API holds: the file does not write `state`.
  ok(await run('jobs', 'pause', 'alpha'));
  await writeFile(join(folder, 'alpha.yaml'), 'job_id: alpha\nhandler: command\ncommand: echo alpha\ncron: "*/5 * * * *"\n');
  const changed = ok(await run('apply', join(folder, 'alpha.yaml'), '--yes'));
  assert.match(changed.stdout, /^~ alpha \(.*alpha\.yaml\): update$/m);
  assert.match(changed.stdout, /^ {4}description: first → \(none\)$/m);
  assert.match(changed.stdout, /^ {4}schedule: \{"periodically":"1 hour"\} → \{"cron":"\*\/5 \* \* \* \*"\}$/m);
  assert.doesNotMatch(changed.stdout, /beta/);
  const alpha = await job('alpha');
  assert.equal(alpha?.cron, '*/5 * * * *');
  assert.equal(alpha?.periodically, null);
  assert.equal(alpha?.description, null);
  assert.equal(alpha?.state, 'paused');

  const plan = json<{ applied: boolean; plan: Array<{ action: string; job_id: string }> }>(ok(await run('apply', folder, '--dry-run', '--json')));
  assert.equal(plan.applied, false);
  assert.deepEqual(plan.plan.map((p) => `${p.action} ${p.job_id}`), ['unchanged alpha', 'unchanged beta']);
});

test('apply reports every problem of every file at once, with file:line:column, and sends nothing', async () => {
  const folder = join(dir, 'broken');
  await mkdir(folder);
  await writeFile(join(folder, 'one.yaml'), 'job_id: one\nhandler: command\nkwargs:\n  command: echo\nperiodically: often\n');
  await writeFile(join(folder, 'two.yaml'), 'job_id: two\nhandler: no-such-handler\nperiodically: 1 hour\n');
  await writeFile(join(folder, 'three.yaml'), 'job_id: three\nhandler: noop\nperiodically: 1 hour\n');
  const refused = await run('apply', folder, '--yes');
  assert.equal(refused.code, 4, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /one\.yaml:5:1 periodically: /);
  assert.match(refused.stderr, /two\.yaml:2:1 handler: .*no-such-handler/);
  assert.match(refused.stderr, /2 problem\(s\); nothing applied/);
  assert.equal(refused.stdout, '');
  assert.equal(await job('three'), undefined);
  assert.equal((await run('apply', join(folder, 'missing.yaml'))).code, 2);
});

test('flows list, show and run --wait against the flows the service loaded', async () => {
  const listed = ok(await run('flows', 'list'));
  assert.match(listed.stdout, /^NAME\s+STEPS\s+SOURCE\s+DESCRIPTION$/m);
  assert.match(listed.stdout, /^bayesianFlow\s+4\s+/m);
  const shown = ok(await run('flows', 'show', 'bayesianFlow'));
  assert.match(shown.stdout, /^analyse_licence\s+command\s+fetch_metadata$/m);
  assert.match(shown.stdout, /latest runs:\nno runs yet/);

  const done = ok(await run('flows', 'run', 'bayesianFlow', '--arg', 'ecosystem=npm', '--arg', 'name=left-pad', '--arg', 'version="1.3.0"', '--wait'));
  assert.match(done.stdout, /^status:\s+succeeded$/m);
  assert.match(done.stdout, /^report\s+succeeded/m);
  const runs = ok(await run('flows', 'show', 'bayesianFlow'));
  assert.match(runs.stdout, /latest runs:\nFLOW_RUN_ID.*\n[0-9a-f-]{36}\s+succeeded/);
  assert.equal((await run('flows', 'show', 'noSuchFlow')).code, 3);
  assert.equal((await run('flows', 'run', 'bayesianFlow', '--arguments', '[1]')).code, 2);
});

test('jobs run --wait prints each log line as the run writes it, not at the end', async () => {
  await createJob(url, { job_id: 'slow-talker', handler: 'command', kwargs: { command: 'echo first-line; sleep 5; echo second-line' }, periodically: '1 day' });
  const child = spawn(process.execPath, ['src/cli/main.ts', 'jobs', 'run', 'slow-talker', '--wait'], { cwd: ROOT, env: { ...process.env, BOSUN_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
  const started = Date.now();
  let stdout = '';
  let firstAt: number | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (firstAt === undefined && stdout.includes('first-line')) firstAt = Date.now();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const endedAt = Date.now();
  assert.equal(code, 0, stdout);
  assert.ok(firstAt !== undefined, stdout);
  // The line came while the run still slept (the worker stores the log every 2 s), seconds before its end.
  assert.ok(endedAt - firstAt >= 2000, `first line ${firstAt - started} ms after start, end at ${endedAt - started} ms:\n${stdout}`);
  assert.equal(stdout.match(/info {2}first-line/g)?.length, 1, stdout);
  assert.match(stdout, /second-line/);
  assert.ok(stdout.indexOf('second-line') < stdout.indexOf('status:'), stdout);
});

test("apply of the repository's default-jobs: ${BOSUN_API_URL} is the service the CLI talks to", async () => {
  const plan = json<{ applied: boolean; plan: Array<{ action: string; job_id: string; body?: { kwargs?: { url?: string } } }> }>(
    ok(await run('apply', join(ROOT, 'default-jobs'), '--dry-run', '--json')),
  );
  const ping = plan.plan.find((p) => p.job_id === 'hourly-health-ping');
  assert.ok(ping, JSON.stringify(plan));
  assert.equal(ping.body?.kwargs?.url, `${url}/api/v1/liveness`);
});
