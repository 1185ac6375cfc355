// A real bosun running `function` jobs that misbehave, beside a healthy one: each bad run ends
// with a final status and a readable error, the process stays up and ready, and the run log gets
// what the function wrote. Through HTTP, as a user would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../helpers/database.ts';
import { isAlive, spawnLogged, type Spawned } from '../../helpers/process.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;
const FINAL = ['succeeded', 'failed', 'timed_out', 'cancelled'];

interface Run {
  run_id: string;
  status: string;
  error: string | null;
  result: unknown;
  log?: Array<{ level: string; msg: string }>;
}

// At the top level: a database made in a hook would be dropped when the hook ends.
const url = await createTestDatabase();
let dir: string;
let app: Spawned;
let base: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bosun-fn-service-'));
  await writeFile(join(dir, 'jobs.ts'), `
export function exits() { process.exit(7); }
export function throwsFromTimer() { setTimeout(() => { throw new RangeError('thrown from a timer'); }, 5); return new Promise((r) => setTimeout(r, 5_000)); }
export function rejectsUnhandled() { void Promise.reject(new TypeError('nobody awaited me')); return new Promise((r) => setTimeout(r, 5_000)); }
export function loopsForever() { for (;;) {} }
export function allocates() { const kept: string[][] = []; for (;;) kept.push(new Array(10_000).fill('x')); }
export function growsOneArray() { const numbers: number[] = []; for (let i = 0; ; i++) numbers[i] = i + 0.5; }
export function spinsForever(pidFile: string) { process.getBuiltinModule('node:fs').writeFileSync(pidFile, String(process.pid)); for (;;); }
export async function waitsForever(pidFile: string) { (await import('node:fs')).writeFileSync(pidFile, String(process.pid)); return new Promise(() => setInterval(() => {}, 1000)); }
export function healthy(this: any) { this.log.info('healthy run'); console.log('said on stdout'); return { ok: true, secrets: Object.keys(process.env).filter((n) => /^(DATABASE_URL|BOSUN_|OTEL_)/.test(n)) }; }
`);
  app = spawnLogged(process.execPath, ['src/main.ts'], {
    ...process.env,
    DATABASE_URL: url,
    PORT: '0',
    LOG_LEVEL: 'info',
    BOSUN_DEFAULT_JOBS_DIR: '/nonexistent-bosun-jobs',
    BOSUN_FUNCTIONS_DIR: dir,
    BOSUN_FUNCTION_MEMORY_MB: '64',
    OTEL_CANARY: 'canary',
  }, ROOT);
  base = `${String((await app.waitForLine((l) => l.msg === 'bosun API listening')).url)}/api/v1`;
});

after(async () => {
  if (app.child.exitCode === null) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

async function runOnce(fn: string, timeout = '30s'): Promise<{ run: Run; seconds: number }> {
  const started = Date.now();
  const created = await fetch(`${base}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ job_id: `fn-${fn}`, handler: 'function', kwargs: { module: 'jobs.ts', function: fn }, timeout, retries: 0 }),
  });
  assert.equal(created.status, 201, `${await created.text()}\n${app.output().slice(-3000)}`);
  for (;;) {
    const { runs } = (await (await fetch(`${base}/jobs/fn-${fn}/runs`)).json()) as { runs: Run[] };
    if (runs[0] && FINAL.includes(runs[0].status)) {
      const { run } = (await (await fetch(`${base}/runs/${runs[0].run_id}`)).json()) as { run: Run };
      return { run, seconds: (Date.now() - started) / 1000 };
    }
    if (Date.now() - started > 30_000) throw new Error(`fn-${fn} never ended: ${JSON.stringify(runs)}\n${app.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function assertServing(): Promise<void> {
  assert.ok(isAlive(app.child.pid!), app.output().slice(-3000));
  assert.equal((await fetch(`${base}/readiness`)).status, 200);
}

// [what, function, its job's timeout, the run's status, its error, the seconds it may take at most]
const cases: Array<[string, string, number, string, RegExp, number]> = [
  ['process.exit(7)', 'exits', 20, 'failed', /^FunctionExited: process\.exit\(7\)/, 10],
  ['a throw from a setTimeout', 'throwsFromTimer', 20, 'failed', /^RangeError: thrown from a timer/, 10],
  ['an unhandled rejection', 'rejectsUnhandled', 20, 'failed', /^TypeError: nobody awaited me/, 10],
  ['an endless loop', 'loopsForever', 1, 'timed_out', /timed out after 1000 ms/, 1 + 5],
  ['a memory blow-up', 'allocates', 20, 'failed', /^FunctionOutOfMemory: .*64 MB/, 10],
  ['one array grown past the heap limit', 'growsOneArray', 20, 'failed', /^FunctionOutOfMemory: .*64 MB/, 10],
];
for (const [what, fn, timeout, status, error, withinSeconds] of cases) {
  test(`${what}: the run ends ${status} with a readable error, bosun stays up`, async () => {
    const { run, seconds } = await runOnce(fn, `${timeout}s`);
    assert.equal(run.status, status, JSON.stringify(run));
    assert.match(run.error ?? '', error);
    assert.ok(seconds < withinSeconds, `ended after ${seconds} s`);
    await assertServing();
  });
}

test("a healthy function after them: its log reaches the run, bosun's secrets do not reach it", async () => {
  const { run } = await runOnce('healthy');
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  assert.deepEqual(run.result, { ok: true, secrets: [] });
  const messages = (run.log ?? []).map((l) => l.msg);
  assert.ok(messages.includes('healthy run') && messages.includes('said on stdout'), JSON.stringify(run.log));
  await assertServing();
});

test("killed with -9, bosun leaves no function process behind, not even one in an endless loop", async () => {
  const pids: number[] = [];
  for (const fn of ['waitsForever', 'spinsForever']) {
    const pidFile = join(dir, `${fn}.pid`);
    const created = await fetch(`${base}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ job_id: `fn-${fn}`, handler: 'function', kwargs: { module: 'jobs.ts', function: fn, args: [pidFile] }, timeout: '5 minutes' }),
    });
    assert.equal(created.status, 201, await created.text());
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) pid = Number(await readFile(pidFile, 'utf8').catch(() => '0')) || (await new Promise((r) => setTimeout(r, 100)), 0);
    assert.ok(pid > 0 && isAlive(pid), `${fn} runs`);
    pids.push(pid);
  }
  app.child.kill('SIGKILL');
  await app.exited;
  for (let i = 0; i < 50 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(pids.filter(isAlive), [], 'a function process outlived bosun');
});
