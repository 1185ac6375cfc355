// `npm test`'s runner: one PostgreSQL for the whole run (DATABASE_URL when set, else an
// embedded server in a temporary folder), then node's own test runner over test/, in phases:
//
//   main         unit, integration, browser and security tests, three files at a time
//   reliability  test/reliability: the scenarios run several bosun processes and measure timing,
//                so they run one at a time, after the main phase, not competing with it for the cores
//   bench        test/bench: every benchmark once in its smoke size (node bench/run-all.ts --smoke)
//
//   node test/run.ts                      every phase, in that order (CI)
//   node test/run.ts reliability [bench]  only the named phases
//   node test/run.ts <glob>...            only those files (one at a time if all are under
//                                         test/reliability/ or test/bench/, else three at a time)
//
// Each test file makes its own database on the server (test/helpers/database.ts). Every phase
// runs even when an earlier one failed; the exit code is non-zero if any did.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { passwordFile } from '../src/db/embedded-password.ts';

interface Phase {
  name: string;
  patterns: string[];
  concurrency: number;
}

const PHASES: Phase[] = [
  { name: 'main', patterns: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/security/**/*.test.ts'], concurrency: 3 },
  { name: 'reliability', patterns: ['test/reliability/**/*.test.ts'], concurrency: 1 },
  { name: 'bench', patterns: ['test/bench/**/*.test.ts'], concurrency: 1 },
];
const SERIAL_FOLDERS = ['test/reliability/', 'test/bench/'];

const args = process.argv.slice(2);
const named = PHASES.filter((p) => args.includes(p.name));
const patterns = args.filter((a) => !PHASES.some((p) => p.name === a));
const phases: Phase[] = args.length === 0 ? PHASES : [...named];
if (patterns.length) {
  const serial = patterns.every((p) => SERIAL_FOLDERS.some((f) => p.replace(/^\.\//, '').startsWith(f)));
  phases.push({ name: 'files', patterns, concurrency: serial ? 1 : 3 });
}

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', false);
let url = process.env.DATABASE_URL;
let stop = async () => {};
if (!url) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: 54400 + Math.floor(Math.random() * 500), logger, binDir: process.env.BOSUN_PG_BIN_DIR });
  url = server.url;
  stop = async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(passwordFile(dataDir), { force: true });
  };
}

let child: ChildProcess | undefined;
let interrupted = false;
// Interrupted (Ctrl-C, CI timeout): the test runner gets the signal too; the PostgreSQL we
// started runs in its own process group, so it is stopped here, not left behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    child?.kill(signal);
    void stop().finally(() => process.exit(130));
  });
}

interface Outcome {
  phase: Phase;
  code: number;
  seconds: number;
  counts: Record<string, number>;
}

/** Runs one phase through `node --test`, echoing its output and reading the summary's counts from it. */
async function runPhase(phase: Phase): Promise<Outcome> {
  console.log(`\n### test phase ${phase.name}: ${phase.patterns.join(' ')} (${phase.concurrency} at a time)\n`);
  const started = Date.now();
  const counts: Record<string, number> = {};
  // Piped (to count), so keep the colours a terminal would have had.
  const colour = process.stdout.isTTY && !('NO_COLOR' in process.env) ? { FORCE_COLOR: '1' } : {};
  child = spawn(process.execPath, ['--test', `--test-concurrency=${phase.concurrency}`, '--test-timeout=180000', ...phase.patterns], {
    stdio: ['inherit', 'pipe', 'inherit'],
    env: { ...process.env, ...colour, BOSUN_TEST_DATABASE_URL: url },
  });
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      // The spec reporter's summary: "ℹ tests 688", "ℹ pass 688", ... (with colour codes when forced).
      const m = /^(?:ℹ|#) (tests|pass|fail|cancelled|skipped|todo) (\d+)\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) counts[m[1]!] = Number(m[2]);
    }
  });
  const code = await new Promise<number>((resolve) => child!.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  child = undefined;
  return { phase, code, seconds: (Date.now() - started) / 1000, counts };
}

const outcomes: Outcome[] = [];
for (const phase of phases) {
  if (interrupted) break;
  outcomes.push(await runPhase(phase));
}
await stop();

if (outcomes.length > 1) {
  console.log('\n### test phases');
  const total: Record<string, number> = {};
  for (const o of outcomes) {
    for (const [k, v] of Object.entries(o.counts)) total[k] = (total[k] ?? 0) + v;
    const c = o.counts;
    console.log(`${o.phase.name.padEnd(12)} ${o.code === 0 ? 'passed' : `FAILED (exit ${o.code})`}  ${String(c.tests ?? '?').padStart(4)} tests  ${String(c.pass ?? '?').padStart(4)} pass  ${String(c.fail ?? '?').padStart(3)} fail  ${o.seconds.toFixed(0).padStart(4)} s`);
  }
  console.log(`${'all'.padEnd(12)} ${outcomes.every((o) => o.code === 0) ? 'passed' : 'FAILED'}  ${String(total.tests ?? 0).padStart(4)} tests  ${String(total.pass ?? 0).padStart(4)} pass  ${String(total.fail ?? 0).padStart(3)} fail  ${outcomes.reduce((s, o) => s + o.seconds, 0).toFixed(0).padStart(4)} s`);
}
process.exit(outcomes.some((o) => o.code !== 0) ? 1 : 0);
