// The `bosun` binary against a real service: table and --json output, exit codes,
// pause/resume, run now with --wait, delete, failures, and the ways it can go wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { bosun, createJob, json, ROOT, startService, type CliResult } from './cli-process.ts';

// Top level, not before(): after() hooks registered in a before() hook run when it ends.
const { url } = await startService();
await createJob(url, { job_id: 'hello', handler: 'command', kwargs: { command: 'echo hello from bosun' }, periodically: '1 hour', description: 'says hello' });
await createJob(url, { job_id: 'boom', handler: 'command', kwargs: { command: 'echo about to fail; echo kaput >&2; exit 3' }, periodically: '1 day' });
await createJob(url, { job_id: 'sleepy', handler: 'command', kwargs: { command: ['sleep', '30'] }, periodically: '1 day' });
await createJob(url, { job_id: 'quiet', handler: 'noop', periodically: '2 days', state: 'paused' });

const run = (...args: string[]) => bosun(url, args);

function ok(result: CliResult): CliResult {
  assert.equal(result.code, 0, `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return result;
}

test('jobs list prints a table for people and an array for scripts', async () => {
  const table = ok(await run('jobs', 'list'));
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^JOB_ID\s+HANDLER\s+SCHEDULE\s+STATE\s+NEXT RUN\s+LAST RUN$/);
  const hello = lines.find((l) => l.startsWith('hello '));
  assert.ok(hello, table.stdout);
  assert.match(hello, /^hello\s+command\s+every hour from \d\d:\d\d:\d\d UTC\s+running\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in (59m \d+s|1h)\)$/);
  assert.match(lines.find((l) => l.startsWith('quiet '))!, /noop .* paused/);
  assert.equal(table.stderr, '');

  const rows = json<Array<{ job_id: string; state: string; handler: string }>>(ok(await run('jobs', 'list', '--json')));
  assert.deepEqual(rows.map((r) => r.job_id).sort(), ['boom', 'hello', 'quiet', 'sleepy']);
  assert.equal(rows.find((r) => r.job_id === 'quiet')?.state, 'paused');

  const filtered = json<Array<{ job_id: string }>>(ok(await run('jobs', 'list', '--state', 'paused', '--json')));
  assert.deepEqual(filtered.map((r) => r.job_id), ['quiet']);
  const page = ok(await run('jobs', 'list', '--limit', '2'));
  assert.match(page.stdout, /\(1-2 of 4; --offset 2 for more\)/);
  const searched = json<Array<{ job_id: string }>>(ok(await run('jobs', 'list', '--search', 'says hel', '--json')));
  assert.deepEqual(searched.map((r) => r.job_id), ['hello']);
  const sorted = json<Array<{ job_id: string }>>(ok(await run('jobs', 'list', '--sort=-job_id', '--json')));
  assert.deepEqual(sorted.map((r) => r.job_id), ['sleepy', 'quiet', 'hello', 'boom']);

  // The service refuses the value (400): exit 4, its message and the field on one line.
  const refused = await run('jobs', 'list', '--sort', 'colour');
  assert.equal(refused.code, 4, refused.stderr);
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /^bosun: .*\(field: sort\) \[HTTP 400\]\n$/);
});

test('jobs show prints the definition; --json the job; an unknown id exits 3', async () => {
  const shown = ok(await run('jobs', 'show', 'hello'));
  assert.match(shown.stdout, /^job:\s+hello$/m);
  assert.match(shown.stdout, /^handler:\s+command$/m);
  assert.match(shown.stdout, /^description:\s+says hello$/m);
  assert.match(shown.stdout, /^schedule:\s+every hour from \d\d:\d\d:\d\d UTC$/m);
  assert.match(shown.stdout, /^next run:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in /m);
  assert.match(shown.stdout, /"command": "echo hello from bosun"/);
  assert.match(shown.stdout, /latest runs:/);

  const job = json<{ job_id: string; handler: string; kwargs: unknown }>(ok(await run('jobs', 'show', 'hello', '--json')));
  assert.equal(job.job_id, 'hello');
  assert.equal((job.kwargs as { command: string }).command, 'echo hello from bosun');

  const missing = await run('jobs', 'show', 'no-such-job');
  assert.equal(missing.code, 3);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /^bosun: job 'no-such-job' not found \(field: job_id\) \[HTTP 404\]\n$/);
  const missingJson = await run('jobs', 'show', 'no-such-job', '--json');
  assert.equal(missingJson.code, 3);
  assert.equal(missingJson.stdout, '');
});

test('jobs pause and resume change the state the service reports', async () => {
  const paused = ok(await run('jobs', 'pause', 'hello'));
  assert.match(paused.stdout, /^paused hello/);
  assert.equal(json<{ state: string }>(ok(await run('jobs', 'show', 'hello', '--json'))).state, 'paused');

  const resumed = json<Array<{ job_id: string; state: string }>>(ok(await run('jobs', 'resume', 'hello', '--json')));
  assert.deepEqual(resumed.map((j) => [j.job_id, j.state]), [['hello', 'running']]);
  assert.match(ok(await run('jobs', 'show', 'hello')).stdout, /^state:\s+running$/m);

  // Several ids: each is done or reported, and the exit code is the first failure's.
  const mixed = await run('jobs', 'pause', 'quiet', 'no-such-job');
  assert.equal(mixed.code, 3);
  assert.match(mixed.stdout, /^paused quiet/m);
  assert.match(mixed.stderr, /^bosun: no-such-job: job 'no-such-job' not found/m);
  assert.equal((await run('jobs', 'resume', 'no-such-job')).code, 3);
});

test('jobs run --wait follows a run to success and prints its status and log', async () => {
  const result = ok(await run('jobs', 'run', 'hello', '--wait'));
  // Not a terminal: one plain line per status, no spinner control characters.
  assert.doesNotMatch(result.stdout, /\r|\x1b\[/);
  assert.match(result.stdout, /^started run [0-9a-f-]{36} of job hello$/m);
  assert.match(result.stdout, /^run [0-9a-f-]{36}: succeeded$/m);
  assert.match(result.stdout, /^status:\s+succeeded$/m);
  // The log is printed as it comes, before the run's fields.
  assert.match(result.stdout, /^\d\d:\d\d:\d\d\.\d+Z info +hello from bosun/m);
  assert.ok(result.stdout.indexOf('hello from bosun') < result.stdout.indexOf('status:'), result.stdout);

  const final = json<{ run_id: string; job_id: string; status: string; log: Array<{ msg: string }> }>(ok(await run('jobs', 'run', 'hello', '--wait', '--json')));
  assert.equal(final.status, 'succeeded');
  assert.equal(final.job_id, 'hello');
  assert.ok(final.log.some((l) => l.msg.includes('hello from bosun')), JSON.stringify(final.log));

  // The runs it made are listed and shown.
  const runs = json<Array<{ run_id: string; status: string; trigger: string }>>(ok(await run('runs', 'list', '--job', 'hello', '--json')));
  assert.ok(runs.some((r) => r.run_id === final.run_id && r.status === 'succeeded' && r.trigger === 'manual'), JSON.stringify(runs));
  const table = ok(await run('runs', 'list', '--job', 'hello', '--status', 'succeeded', '--since', '1h'));
  assert.match(table.stdout, /^RUN_ID\s+JOB_ID\s+STATUS/);
  assert.match(table.stdout, new RegExp(`^${final.run_id}\\s+hello\\s+succeeded\\s+manual`, 'm'));
  const shown = ok(await run('runs', 'show', final.run_id));
  assert.match(shown.stdout, /^status:\s+succeeded$/m);
  assert.match(shown.stdout, /hello from bosun/);
  assert.match(ok(await run('jobs', 'show', 'hello')).stdout, new RegExp(`latest runs:\\n.*\\n${final.run_id}\\s+succeeded`));
  assert.equal((await run('runs', 'show', '00000000-0000-4000-8000-000000000000')).code, 3);
});

test('jobs run --wait on a failing job exits 6; the failure can be listed, shown and cleaned', async () => {
  const result = await run('jobs', 'run', 'boom', '--wait');
  assert.equal(result.code, 6, result.stdout + result.stderr);
  assert.match(result.stdout, /^status:\s+failed$/m);
  assert.match(result.stdout, /kaput/);

  const failures = json<Array<{ failure_id: string; job_id: string; message: string }>>(ok(await run('failures', 'list', '--json')));
  const failure = failures.find((f) => f.job_id === 'boom');
  assert.ok(failure, JSON.stringify(failures));
  const table = ok(await run('failures', 'list', '--job', 'boom'));
  assert.match(table.stdout, /^FAILURE_ID\s+JOB_ID\s+HANDLER\s+ATTEMPT\s+FAILED\s+ERROR$/m);
  assert.match(table.stdout, new RegExp(`^${failure.failure_id}\\s+boom\\s+command`, 'm'));
  const shown = ok(await run('failures', 'show', failure.failure_id));
  assert.match(shown.stdout, /^error:\s+CommandFailedError: command exited with code 3/m);
  assert.match(shown.stdout, /^stack:\n\s+CommandFailedError/m);
  assert.match(shown.stdout, /"command": "echo about to fail; echo kaput >&2; exit 3"/);

  const refused = await run('failures', 'clean');
  assert.equal(refused.code, 2, 'no --yes and no terminal to ask on');
  assert.match(refused.stderr, /--yes/);
  ok(await run('failures', 'clean', '--yes'));
  assert.deepEqual(json(ok(await run('failures', 'list', '--json'))), []);
  assert.match(ok(await run('failures', 'list')).stdout, /^no failures$/m);
  assert.equal((await run('failures', 'show', failure.failure_id)).code, 3);
});

test('Ctrl-C stops waiting but not the run (exit 130); runs cancel then stops it', async () => {
  const waiting = spawn(process.execPath, ['src/cli/main.ts', 'jobs', 'run', 'sleepy', '--wait'], { cwd: ROOT, env: { ...process.env, BOSUN_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  waiting.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const running = new Promise<void>((resolve) =>
    waiting.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (/: running$/m.test(stdout)) resolve();
    }),
  );
  const exited = once(waiting, 'close');
  await Promise.race([running, exited]);
  waiting.kill('SIGINT');
  const [code] = await exited;
  assert.equal(code, 130, stdout + stderr);
  const runId = /^started run ([0-9a-f-]{36})/m.exec(stdout)?.[1];
  assert.ok(runId, stdout);
  assert.equal(stderr, `bosun: stopped waiting; run ${runId} goes on ('bosun runs show ${runId}')\n`);
  assert.equal(json<{ status: string }>(ok(await run('runs', 'show', runId, '--json'))).status, 'running');

  const cancelled = ok(await run('runs', 'cancel', runId));
  assert.match(cancelled.stdout, new RegExp(`^cancelled run ${runId}`));
  let status = '';
  for (let i = 0; i < 100 && status !== 'cancelled'; i++) {
    status = json<{ status: string }>(ok(await run('runs', 'show', runId, '--json'))).status;
    if (status !== 'cancelled') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 'cancelled');
  assert.equal((await run('runs', 'cancel', '00000000-0000-4000-8000-000000000000')).code, 3);
});

test('--wait --timeout gives up with exit 7 and the run as it stands; the run goes on', async () => {
  const result = await run('jobs', 'run', 'sleepy', '--wait', '--timeout', '1s', '--json');
  assert.equal(result.code, 7, result.stderr);
  const last = json<{ run_id: string; status: string }>(result);
  assert.ok(['scheduled', 'running'].includes(last.status), last.status);
  assert.match(result.stderr, new RegExp(`^bosun: run ${last.run_id} is still (scheduled|running) after 1s \\(--timeout\\); it goes on\\n$`));
  assert.equal(json<{ run_id: string }>(ok(await run('runs', 'cancel', last.run_id, '--json'))).run_id, last.run_id);
});

test('jobs delete asks for --yes without a terminal, deletes, and the job is then unknown', async () => {
  const refused = await run('jobs', 'delete', 'quiet');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refusing to go on without --yes/);
  assert.equal(json<{ job_id: string }>(ok(await run('jobs', 'show', 'quiet', '--json'))).job_id, 'quiet');

  assert.deepEqual(json(ok(await run('jobs', 'delete', 'quiet', '--yes', '--json'))), { removed: ['quiet'] });
  assert.equal((await run('jobs', 'show', 'quiet')).code, 3);
  const again = await run('jobs', 'delete', 'quiet', '-y');
  assert.equal(again.code, 3);
  assert.match(again.stderr, /job 'quiet' not found/);
});

test('--url wins over BOSUN_URL', async () => {
  const viaFlag = await bosun('http://127.0.0.1:9', ['jobs', 'list', '--json', '--url', url]);
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  assert.ok(Array.isArray(json(viaFlag)));
});
