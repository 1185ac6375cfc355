// Every benchmark still runs end to end: `node bench/run-all.ts --smoke` as a real child process
// (each benchmark at its smallest size, on its own embedded PostgreSQL), which must exit 0, and
// each benchmark must have printed bosun's figure and its baseline's. The figures are printed,
// never judged: on a CI machine they mean nothing (the targets are bench/RESULTS.md's business).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

const ROOT = new URL('../..', import.meta.url).pathname;
const DEADLINE_MS = Number(process.env.BENCH_SMOKE_TIMEOUT_S ?? 360) * 1000;

const num = String.raw`[\d.,]+`;
/** Per benchmark: the line that carries bosun's figure and the one that carries the baseline's. */
const FIGURES: Record<string, { bosun: RegExp[]; baseline: RegExp }> = {
  'schedule-next.ts': {
    bosun: [new RegExp(String.raw`^bosun tick, mixed +\d+ in +${num} ms +${num} /s$`, 'm'), new RegExp(String.raw`^bosun spread, mixed +\d+ in +${num} ms +${num} /s$`, 'm')],
    baseline: new RegExp(String.raw`^croner nextRun\(\), tick \(baseline\) +\d+ in +${num} ms +${num} /s$`, 'm'),
  },
  'firing-precision.ts': {
    // At least one run measured; pg-boss schedule() fires on minute boundaries, so a 4 s run sees none of its (n=0).
    bosun: [new RegExp(String.raw`^bosun +n= *[1-9]\d* +p50= *\d+ ms +p99= *\d+ ms +max= *\d+ ms$`, 'm')],
    baseline: /^pg-boss schedule\(\) +n= *\d+ +p50=.*$/m,
  },
  'throughput.ts': {
    bosun: [new RegExp(String.raw`^bosun +(\d+) runs in ${num} s = +${num} runs/s`, 'm')],
    // The label says how the baseline's workers are set up ("pg-boss 10×1 (base)"): any such label.
    baseline: new RegExp(String.raw`^pg-boss .*\(base\) +\d+ runs in ${num} s = +${num} runs/s`, 'm'),
  },
  'start-latency.ts': {
    bosun: [new RegExp(String.raw`^bosun +POST /jobs/noop → handler start +p50 ${num} ms +p99 ${num} ms`, 'm'), new RegExp(String.raw`^bosun +POST /jobs/\{id\}/run → handler start +p50 ${num} ms`, 'm')],
    baseline: new RegExp(String.raw`^pg-boss send\(\) → work handler start \(base\) +p50 ${num} ms +p99 ${num} ms`, 'm'),
  },
  'api.ts': {
    bosun: [new RegExp(String.raw`^GET /jobs at a steady 500 req/s +\d+ req/s +p50 +${num} ms +p99 +${num} ms`, 'm'), new RegExp(String.raw`^POST /jobs/noop at a steady 500 req/s +\d+ req/s +p50 +${num} ms +p99 +${num} ms`, 'm')],
    baseline: new RegExp(String.raw`^GET /liveness at a steady 500 req/s \(base\) +\d+ req/s +p50 +${num} ms +p99 +${num} ms`, 'm'),
  },
  'scale.ts': {
    bosun: [new RegExp(String.raw`^\d+ jobs +listening +${num} s +ready +${num} s +RSS +\d+ MB`, 'm'), /(?<=^firing precision, beside the \d+ stored jobs:\n {2}.*\n) {2}bosun +n= *[1-9].*$/m],
    baseline: new RegExp(String.raw`^empty database \(baseline\) +listening +${num} s +ready +${num} s +RSS +\d+ MB`, 'm'),
  },
  'flow-fanout.ts': {
    bosun: [/^ +bosun flow: +\d+ ms +\d+ steps\/s$/m],
    baseline: /^ +raw pg-boss baseline: +\d+ ms +\d+ jobs\/s/m,
  },
};

test('benchmarks, smoke size: each runs end to end and prints bosun’s figure and the baseline’s', { timeout: DEADLINE_MS + 30_000 }, async () => {
  // Every benchmark in bench/ is checked here: a new one without a smoke size fails this test
  // (files whose name starts with "_" are someone's scratch work, not benchmarks).
  const files = readdirSync(new URL('../../bench/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'run-all.ts' && !f.startsWith('_')).sort();
  assert.deepEqual(files, Object.keys(FIGURES).sort(), 'bench/*.ts and the benchmarks this test checks');

  // Benchmarks make their own embedded PostgreSQL: never the test server or a DATABASE_URL's.
  const { DATABASE_URL: _a, BOSUN_TEST_DATABASE_URL: _b, ...env } = process.env;
  const started = Date.now();
  const child = spawn(process.execPath, ['bench/run-all.ts', '--smoke'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, DEADLINE_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  assert.ok(!timedOut, `bench/run-all.ts --smoke still running after ${DEADLINE_MS / 1000} s; its output:\n${out.slice(-6000)}`);
  assert.equal(code, 0, `bench/run-all.ts --smoke exited ${code}; its output:\n${out.slice(-6000)}`);

  // One section per benchmark, from its "### node bench/<file>" line to its "### <file>: done in N s".
  const problems: string[] = [];
  for (const [file, expect] of Object.entries(FIGURES)) {
    const section = new RegExp(String.raw`^### node bench/${file.replace('.', '\\.')}.*\n([\s\S]*?)^### ${file.replace('.', '\\.')}: (done|FAILED[^\n]*) in (\d+) s$`, 'm').exec(out);
    if (!section) {
      problems.push(`${file}: no section in the output`);
      continue;
    }
    const [, text, outcome, secs] = section as unknown as [string, string, string, string];
    const bosun = expect.bosun.map((re) => re.exec(text)?.[0]);
    const baseline = expect.baseline.exec(text)?.[0];
    expect.bosun.forEach((re, k) => bosun[k] === undefined && problems.push(`${file}: no bosun line matching ${re}`));
    if (baseline === undefined) problems.push(`${file}: no baseline line matching ${expect.baseline}`);
    if (outcome !== 'done') problems.push(`${file}: ${outcome}`);
    console.log(`[bench smoke] ${file} (${secs} s)\n  ${[...bosun, baseline].filter(Boolean).map((l) => l!.replace(/ {2,}/g, ' ').trim()).join('\n  ')}`);
  }
  console.log(`[bench smoke] benchmarks=${Object.keys(FIGURES).length} problems=${problems.length} seconds=${seconds}`);
  assert.deepEqual(problems, [], `the smoke run's output:\n${out.slice(-8000)}`);
});
