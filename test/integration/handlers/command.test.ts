// The `command` handler against real processes: exit codes, output, env/cwd, the minimal
// environment, the user it runs as, and process groups killed on timeout and on cancel
// (grandchildren included; as root these run as nobody, so root signals another user's group).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { ConfigError } from '../../../src/errors.ts';
import { Command, CommandFailedError, type CommandKwargs, type CommandResult } from '../../../handlers/command.ts';
import { handlerContext } from './handler-context.ts';

const registry = await loadHandlers();
const handler = registry.resolve('command');
const run = (kwargs: Record<string, unknown>, ctx = handlerContext()) =>
  new Command().execute(registry.validateKwargs(handler, kwargs) as unknown as CommandKwargs, ctx) as Promise<CommandResult>;

/** Running, as opposed to gone or a zombie (an orphan PID 1 has not reaped yet in a container). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A folder the command can write to whichever user it runs as; removed after the test. */
async function scratchDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-cmd-'));
  await chmod(dir, 0o777);
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Sets environment variables of this process (bosun's environment, as the handler sees it) for one test. */
function setEnv(t: { after(fn: () => unknown): void }, vars: Record<string, string>): void {
  for (const [name, value] of Object.entries(vars)) {
    const before = process.env[name];
    process.env[name] = value;
    t.after(() => (before === undefined ? delete process.env[name] : (process.env[name] = before)));
  }
}

const isRoot = process.getuid?.() === 0;

async function waitForFile(path: string, ms = 5000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const text = (await readFile(path, 'utf8')).trim();
      if (text !== '') return text;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`${path} never appeared`);
    await sleep(20);
  }
}

test('a command line runs through the shell; stdout is the result and the run log', async () => {
  const ctx = handlerContext();
  const result = await run({ command: 'echo one; echo two >&2; echo three' }, ctx);
  assert.deepEqual(result, { exit_code: 0, stdout_tail: 'one\nthree\n' });
  const lines = ctx.log.lines().filter((l) => l.data?.stream);
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l.data?.stream]).sort(), [['info', 'one', 'stdout'], ['info', 'three', 'stdout'], ['warn', 'two', 'stderr']].sort());
});

test('an argv list runs without a shell: metacharacters are plain arguments', async () => {
  const result = await run({ command: ['echo', '$HOME;', 'rm -rf /'] });
  assert.equal(result.stdout_tail, '$HOME; rm -rf /\n');
});

test('env and cwd', async (t) => {
  const dir = await scratchDir(t);
  const a = await run({ command: 'echo "$GREETING $(pwd)"', env: { GREETING: 'hi' }, cwd: dir });
  assert.equal(a.stdout_tail, `hi ${dir}\n`);
});

test("bosun's environment does not reach the command: only the minimal one, the operator's names and env", async (t) => {
  setEnv(t, {
    BOSUN_CANARY_SECRET: 'canary-bosun-7f3a',
    DATABASE_URL: 'postgresql://bosun:canary-db-7f3a@127.0.0.1:5432/bosun',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer canary-otel-7f3a',
    PGPASSWORD: 'canary-pg-7f3a',
    UNRELATED_SETTING: 'canary-other-7f3a',
    LANG: 'C.UTF-8',
    TZ: 'Europe/Paris',
  });
  const { stdout_tail: env } = await run({ command: ['env'], env: { JOB_VAR: 'mine' }, tail_chars: 100000 });
  assert.doesNotMatch(env, /canary/, env);
  const names = env.trim().split('\n').map((line) => line.slice(0, line.indexOf('='))).sort();
  assert.deepEqual(names, ['HOME', 'JOB_VAR', 'LANG', 'LOGNAME', 'PATH', 'TZ', 'USER']);
  assert.match(env, /^JOB_VAR=mine$/m);
  assert.match(env, /^TZ=Europe\/Paris$/m);
});

test('BOSUN_COMMAND_ENV passes the names it lists, inherit_env: false withholds them too', async (t) => {
  setEnv(t, { UNRELATED_SETTING: 'allowed-value', HTTPS_PROXY: 'http://proxy:3128', BOSUN_COMMAND_ENV: 'UNRELATED_SETTING,HTTPS_PROXY' });
  const a = await run({ command: 'echo "[$UNRELATED_SETTING] [$HTTPS_PROXY] [$BOSUN_COMMAND_ENV]"' });
  assert.equal(a.stdout_tail, '[allowed-value] [http://proxy:3128] []\n');
  const b = await run({ command: 'echo "[$UNRELATED_SETTING]"', inherit_env: false });
  assert.equal(b.stdout_tail, '[]\n');
});

test('as root, a command runs as nobody, with its home, starting in /tmp when nobody has none', { skip: !isRoot && 'needs root' }, async () => {
  const nobody = Number((await run({ command: ['id', '-u', 'nobody'] })).stdout_tail);
  const { stdout_tail } = await run({ command: 'echo "$(id -u) $(id -g) $(id -G) $USER $HOME $(pwd)"' });
  const [uid, gid, groups, user, home, cwd] = stdout_tail.trim().split(' ');
  assert.equal(Number(uid), nobody);
  assert.notEqual(uid, '0');
  assert.notEqual(gid, '0');
  assert.equal(groups, gid, 'no supplementary group of root is kept');
  assert.equal(user, 'nobody');
  assert.notEqual(home, process.env.HOME);
  assert.equal(cwd, '/tmp');
});

test('as root, BOSUN_COMMAND_USER=root runs commands as root (the operator said so)', { skip: !isRoot && 'needs root' }, async (t) => {
  setEnv(t, { BOSUN_COMMAND_USER: 'root' });
  assert.equal((await run({ command: ['id', '-u'] })).stdout_tail, '0\n');
});

test('a BOSUN_COMMAND_USER that does not exist fails the run naming the setting', async (t) => {
  setEnv(t, { BOSUN_COMMAND_USER: 'no-such-bosun-user' });
  await assert.rejects(run({ command: ['true'] }), (err: unknown) => err instanceof ConfigError && /^BOSUN_COMMAND_USER: /.test(err.message));
});

test('a non-zero exit fails with the exit code and the tail of stderr', async () => {
  await assert.rejects(run({ command: 'echo working; echo "disk full" >&2; exit 3' }), (err: unknown) => {
    assert.ok(err instanceof CommandFailedError);
    assert.equal(err.exitCode, 3);
    assert.equal(err.stderrTail, 'disk full\n');
    assert.match(err.message, /exited with code 3; stderr ends with:\ndisk full/);
    return true;
  });
});

test('a program that does not exist fails with a clear message', async () => {
  await assert.rejects(run({ command: ['/nonexistent/bosun-program'] }), /cannot start "\/nonexistent\/bosun-program"( as user nobody)?: spawn \/nonexistent\/bosun-program ENOENT/);
});

test('output is capped in the run log, the tail is kept', async () => {
  const ctx = handlerContext();
  const result = await run({ command: 'seq 1 5000', max_log_lines: 10, tail_chars: 10 }, ctx);
  const lines = ctx.log.lines();
  assert.equal(lines.filter((l) => l.data?.stream === 'stdout').length, 10);
  assert.ok(lines.some((l) => /4990 more line\(s\) not kept/.test(l.msg)), JSON.stringify(lines.at(-1)));
  assert.equal(result.stdout_tail, '4999\n5000\n'.slice(-10));
});

test('the timeout kills the whole process group, grandchildren included', async (t) => {
  const dir = await scratchDir(t);
  const pidFile = join(dir, 'grandchild.pid');
  const started = Date.now();
  await assert.rejects(run({ command: `sleep 30 & echo $! > ${pidFile}; wait`, timeout: '300ms' }), (err: unknown) => err instanceof CommandFailedError && /timed out after 300 ms/.test(err.message));
  assert.ok(Date.now() - started < 3000, 'returned soon after the timeout');
  const grandchild = Number(await waitForFile(pidFile));
  await sleep(100);
  assert.ok(!running(grandchild), 'the background sleep was killed too');
});

test('a group that ignores SIGTERM is killed with SIGKILL', async (t) => {
  const dir = await scratchDir(t);
  const pidFile = join(dir, 'stubborn.pid');
  const controller = new AbortController();
  const done = run({ command: `trap '' TERM; echo $$ > ${pidFile}; while true; do sleep 0.1; done` }, handlerContext(controller.signal));
  const pid = Number(await waitForFile(pidFile));
  controller.abort(new Error('cancelled by test'));
  await assert.rejects(done, /cancelled by test/);
  await sleep(200);
  assert.ok(!running(pid), 'killed after the grace period');
});

test('cancel (abort) kills the group and fails with the abort reason', async (t) => {
  const dir = await scratchDir(t);
  const pidFile = join(dir, 'child.pid');
  const controller = new AbortController();
  const done = run({ command: `sleep 30 & echo $! > ${pidFile}; wait` }, handlerContext(controller.signal));
  const pid = Number(await waitForFile(pidFile));
  const started = Date.now();
  controller.abort(new Error('run cancelled'));
  await assert.rejects(done, /run cancelled/);
  assert.ok(Date.now() - started < 1500);
  await sleep(100);
  assert.ok(!running(pid));
});

test('an already aborted signal starts nothing', async () => {
  const controller = new AbortController();
  controller.abort(new Error('too late'));
  await assert.rejects(run({ command: 'echo no' }, handlerContext(controller.signal)), /too late/);
});

test('the repository’s disk-space-check command succeeds here', async () => {
  const { parse } = await import('yaml');
  const file = parse(await readFile(new URL('../../../default-jobs/disk-space-check.yaml', import.meta.url), 'utf8')) as { kwargs: Record<string, unknown> };
  const result = await run(file.kwargs);
  assert.match(result.stdout_tail, /^disk used: \d+%\n$/);
});
