// The `function` handler: a module from the allowed folder, a named export, args; anything
// outside the folder refused. Each call runs in a Node process of its own: whatever the function
// does fails that run with a clear error, and this process (standing in for bosun) goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { executeAttempt, type AttemptResult } from '../../../src/worker/execute-attempt.ts';
import { ABORT_GRACE_MS } from '../../../src/handlers/isolated-function/run-in-process.ts';
import { CallFunction, type FunctionKwargs } from '../../../handlers/function.ts';
import { handlerContext } from './handler-context.ts';

const registry = await loadHandlers();
const handler = registry.resolve('function');
const run = (kwargs: Record<string, unknown>, ctx = handlerContext()) => new CallFunction().execute(registry.validateKwargs(handler, kwargs) as unknown as FunctionKwargs, ctx);

/** One attempt as the worker makes it: its status, the error, the run log and how long it took. */
async function attempt(fn: string, timeoutMs: number | null = 10_000, args: unknown[] = []) {
  const { signal: _unused, ...context } = handlerContext();
  const started = performance.now();
  const kwargs = registry.validateKwargs(handler, { module: 'isolation.ts', function: fn, args });
  const result: AttemptResult = await executeAttempt(handler, kwargs, context, new AbortController(), timeoutMs);
  return { result, ms: performance.now() - started, lines: context.log.lines() };
}

/** After each misbehaving function: this process is alive and a healthy function still runs. */
async function assertStillServing(): Promise<void> {
  assert.deepEqual(await run({ module: 'reports/sum.ts', function: 'sum', args: [2, 2] }), { total: 4 });
}

let root: string;
const saved = { ...process.env };
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'bosun-fn-'));
  await mkdir(join(root, 'functions/reports'), { recursive: true });
  await writeFile(join(root, 'functions/reports/sum.ts'), `
export function sum(...numbers: number[]) { return { total: numbers.reduce((a, b) => a + b, 0) }; }
export async function greet(name: string, options: { shout?: boolean }) { return options.shout ? name.toUpperCase() : name; }
export default function () { return this.jobId; }
export function fail() { throw new RangeError('out of range'); }
export function nothing() {}
`);
  await writeFile(join(root, 'functions/isolation.ts'), `
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
export function exits() { process.exit(7); }
export function throwsFromTimer() {
  setTimeout(() => { throw new RangeError('thrown from a timer'); }, 5);
  return new Promise((resolve) => setTimeout(resolve, 5_000));
}
export function rejectsUnhandled() {
  void Promise.reject(new TypeError('nobody awaited me'));
  return new Promise((resolve) => setTimeout(resolve, 5_000));
}
export function loopsForever(heartbeat?: string) {
  // Writes the time now and then, so a test sees when the loop has really stopped.
  for (let last = 0; ;) if (heartbeat && Date.now() - last > 20) writeFileSync(heartbeat, String((last = Date.now())));
}
export function allocatesUntilTheLimit() { const kept: string[][] = []; for (;;) kept.push(new Array(10_000).fill('x')); }
export function growsOneArray() { const numbers: number[] = []; for (let i = 0; ; i++) numbers[i] = i + 0.5; }
export function logs(this: any) {
  this.log.info('from this.log', { step: 1 });
  console.log('from console.log');
  console.error('from console.error');
  return 'logged';
}
export function readsEnvironment() {
  const env = execFileSync('env', { encoding: 'utf8' });
  return { own: process.env, child: env.split('\\n').filter(Boolean).map((l) => l.split('=')[0]) };
}
export function honoursTheSignal(this: any) {
  return new Promise((_resolve, reject) => this.signal.addEventListener('abort', () => {
    this.log.info('aborted: ' + this.signal.reason.name);
    reject(this.signal.reason);
  }));
}
export function odd() { return { date: new Date(0), fn() {}, missing: undefined, list: [1, undefined] }; }
export function bigint() { return 1n; }
export async function startsAnother(this: any) { return { run: await this.jobs.runNow('other') }; }
export async function createRefused(this: any) {
  try { await this.jobs.create({ job_id: 'x' }); } catch (err) { return (err as Error).name + ': ' + (err as Error).message; }
}
`);
  await writeFile(join(root, 'secret.ts'), 'export default () => "secret";');
  await symlink(join(root, 'secret.ts'), join(root, 'functions/link.ts'));
  process.env.BOSUN_FUNCTIONS_DIR = join(root, 'functions');
  process.env.BOSUN_FUNCTION_MEMORY_MB = '64';
  // Canaries: bosun's secrets, which a function must never see.
  process.env.DATABASE_URL = 'postgres://canary:canary-password@localhost/bosun';
  process.env.BOSUN_CANARY_TOKEN = 'canary-token';
  process.env.OTEL_EXPORTER_OTLP_HEADERS = 'authorization=canary';
});
after(async () => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  await rm(root, { recursive: true, force: true });
});

test('calls a named export with args; its return value is the result', async () => {
  assert.deepEqual(await run({ module: 'reports/sum.ts', function: 'sum', args: [1, 2, 3] }), { total: 6 });
});

test('kwargs come as one last argument', async () => {
  assert.equal(await run({ module: 'reports/sum.ts', function: 'greet', args: ['ada'], kwargs: { shout: true } }), 'ADA');
});

test('the default export by default, with the run context as this', async () => {
  assert.equal(await run({ module: 'reports/sum.ts' }), 'test-job');
});

test('undefined becomes null', async () => {
  assert.equal(await run({ module: 'reports/sum.ts', function: 'nothing' }), null);
});

test('the result crosses as JSON: what JSON cannot hold is dropped, as before isolation', async () => {
  assert.deepEqual(await run({ module: 'isolation.ts', function: 'odd' }), { date: '1970-01-01T00:00:00.000Z', list: [1, null] });
  await assert.rejects(run({ module: 'isolation.ts', function: 'bigint' }), (err: Error) => err.name === 'TypeError' && /BigInt/.test(err.message));
});

test('what the function throws fails the run as it is, with its stack', async () => {
  await assert.rejects(run({ module: 'reports/sum.ts', function: 'fail' }), (err: unknown) => err instanceof RangeError && err.message === 'out of range' && /reports\/sum\.ts:5/.test(err.stack ?? ''));
});

const refused: Array<[string, Record<string, unknown>, RegExp]> = [
  ['.. out of the folder', { module: '../secret.ts' }, /outside the functions folder/],
  ['an absolute path', { module: '/etc/passwd.js' }, /relative to the functions folder/],
  ['a symlink pointing out', { module: 'link.ts' }, /outside the functions folder/],
  ['a missing module', { module: 'nope.ts' }, /'nope\.ts' not found/],
  ['not a module file', { module: 'reports' }, /must be a \.js/],
  ['a missing export', { module: 'reports/sum.ts', function: 'avg' }, /no exported function 'avg' \(functions it exports: .*sum/],
];
for (const [name, kwargs, message] of refused) {
  test(`refuses ${name}`, async () => {
    await assert.rejects(run(kwargs), message);
  });
}

test('a bad export name is refused when the job is defined', () => {
  assert.throws(() => registry.validateKwargs(handler, { module: 'a.ts', function: 'x; process.exit()' }), /kwargs\.function must match pattern/);
});

// What a careless function does, and the error its run fails with.
const misbehaving: Array<[string, string, RegExp, RegExp]> = [
  ['process.exit(7)', 'exits', /^FunctionExited: process\.exit\(7\) ended the function's process/, /isolation\.ts:4:/],
  ['a throw from a setTimeout', 'throwsFromTimer', /^RangeError: thrown from a timer$/, /isolation\.ts:6:/],
  ['an unhandled rejection', 'rejectsUnhandled', /^TypeError: nobody awaited me$/, /isolation\.ts:10:/],
  ['a memory blow-up', 'allocatesUntilTheLimit', /^FunctionOutOfMemory: the function ran out of memory: its heap reached the limit of 64 MB \(BOSUN_FUNCTION_MEMORY_MB\)/, /./],
  ['one array grown past the limit (a single allocation too big for the heap left)', 'growsOneArray', /^FunctionOutOfMemory: the function ran out of memory: its heap reached the limit of 64 MB \(BOSUN_FUNCTION_MEMORY_MB\)/, /./],
];
for (const [what, fn, message, stack] of misbehaving) {
  test(`${what} fails that run only, with a clear error`, async () => {
    const { result, ms } = await attempt(fn);
    assert.equal(result.status, 'failed');
    assert.ok(result.status === 'failed');
    assert.match(`${result.error.name}: ${result.error.message}`, message);
    assert.match(result.error.stack ?? '', stack);
    assert.ok(ms < 5_000, `ended in ${ms} ms, long before the timeout`);
    await assertStillServing();
  });
}

test('an endless loop is stopped at the timeout: the run ends timed_out and its process is killed', async () => {
  const before = performance.eventLoopUtilization();
  const heartbeat = join(root, 'heartbeat');
  // Long enough for the process to start and the loop to begin on a busy machine.
  const { result, ms } = await attempt('loopsForever', 1_500, [heartbeat]);
  assert.equal(result.status, 'timed_out');
  assert.ok(ms >= 1_500 && ms < 2_500, `ended after ${ms} ms`);
  // The loop burns its own process, not this one: this event loop stayed mostly idle.
  assert.ok(performance.eventLoopUtilization(before).utilization < 0.5);
  await assertStillServing();
  // Past the grace the process is killed: the loop's heartbeat stands still.
  await new Promise((r) => setTimeout(r, ABORT_GRACE_MS + 300));
  const beat = await readFile(heartbeat, 'utf8');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await readFile(heartbeat, 'utf8'), beat, 'the loop still runs');
});

test('an abort reaches this.signal with its reason', async () => {
  const { result, lines } = await attempt('honoursTheSignal', 1_500);
  assert.equal(result.status, 'timed_out');
  // The attempt ends at the timeout; the function's last log line arrives as its process ends.
  for (let i = 0; i < 30 && !lines.some((l) => l.msg === 'aborted: TimeoutError'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(lines.some((l) => l.msg === 'aborted: TimeoutError'), JSON.stringify(lines));
});

test('a run with a healthy neighbour: the neighbour finishes while the other loops', async () => {
  const looping = attempt('loopsForever', 1_000);
  const started = performance.now();
  assert.deepEqual(await run({ module: 'reports/sum.ts', function: 'sum', args: [1] }), { total: 1 });
  assert.ok(performance.now() - started < 1_500, 'the healthy run did not wait for the loop');
  assert.equal((await looping).result.status, 'timed_out');
});

test("this.log and the function's console output reach the run log", async () => {
  const ctx = handlerContext();
  assert.equal(await run({ module: 'isolation.ts', function: 'logs' }, ctx), 'logged');
  const lines = ctx.log.lines().map((l) => [l.level, l.msg, l.data]);
  assert.deepEqual(
    lines.sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    [
      ['warn', 'from console.error', { stream: 'stderr' }],
      ['info', 'from console.log', { stream: 'stdout' }],
      ['info', 'from this.log', { step: 1 }],
    ],
  );
});

test("the function and the programs it starts get the minimal environment, never bosun's secrets", async () => {
  const { own, child } = (await run({ module: 'isolation.ts', function: 'readsEnvironment' })) as { own: Record<string, string>; child: string[] };
  for (const names of [Object.keys(own), child]) {
    assert.ok(names.includes('PATH'));
    assert.ok(!names.some((n) => n === 'DATABASE_URL' || n.startsWith('BOSUN_') || n.startsWith('OTEL_')), names.join(' '));
  }
  assert.ok(!JSON.stringify(own).includes('canary'));
});

test('this.jobs is bridged to bosun: a call and its refusal cross between the processes', async () => {
  const ctx = handlerContext();
  ctx.jobs.runNow = async (jobId) => `run-of-${jobId}`;
  ctx.jobs.create = () => Promise.reject(Object.assign(new Error("kwargs.url: must be a URL"), { name: 'ValidationError' }));
  assert.deepEqual(await run({ module: 'isolation.ts', function: 'startsAnother' }, ctx), { run: 'run-of-other' });
  assert.equal(await run({ module: 'isolation.ts', function: 'createRefused' }, ctx), 'ValidationError: kwargs.url: must be a URL');
});
