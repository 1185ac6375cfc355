// `npm run bench`: every benchmark in sequence, each in its own process, so one's leftovers
// cannot slow the next. Output goes to the terminal as it comes; the exit code is non-zero if
// any benchmark failed.
//
//   node bench/run-all.ts               full size (30+ min)
//   node bench/run-all.ts --quick       --quick to each that has it (a few minutes)
//   node bench/run-all.ts --smoke       each at its smallest size (about 2 min): proves every
//                                       benchmark still runs end to end and prints bosun's figure
//                                       and the baseline's; the figures mean nothing (npm test runs it)
//   node bench/run-all.ts throughput    only the benchmarks whose file name starts with that
// Other --flags (with their values: `throughput --rounds 6`) are passed to each benchmark that
// takes options.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

interface Benchmark {
  file: string;
  /** Whether it takes --quick (schedule-next is pure CPU and already seconds long). */
  quick: boolean;
  /** Whether it takes --flags at all (flow-fanout takes positional width and concurrency). */
  flags: boolean;
  /** Its arguments in --smoke mode: the existing size options where they suffice. */
  smoke: string[];
}

const BENCHMARKS: Benchmark[] = [
  { file: 'schedule-next.ts', quick: false, flags: true, smoke: ['--smoke'] },
  { file: 'firing-precision.ts', quick: true, flags: true, smoke: ['--smoke'] },
  { file: 'throughput.ts', quick: true, flags: true, smoke: ['--jobs', '200', '--chunk', '100', '--rounds', '1'] },
  { file: 'start-latency.ts', quick: true, flags: true, smoke: ['--count', '10'] },
  { file: 'api.ts', quick: true, flags: true, smoke: ['--jobs', '200', '--seconds', '1', '--warmup', '0'] },
  { file: 'scale.ts', quick: true, flags: true, smoke: ['--smoke'] },
  { file: 'flow-fanout.ts', quick: false, flags: false, smoke: ['20', '4'] },
];

/**
 * Splits run-all's arguments into benchmark name prefixes and flags for the benchmarks. --quick and
 * --smoke stand alone; any other --flag takes the next word as its value (`--rounds 6`), unless it
 * carries one (`--rounds=6`) or the next word is a flag too.
 */
function splitArgs(args: readonly string[]): { only: string[]; flags: string[] } {
  const only: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) only.push(arg);
    else if (arg === '--quick' || arg === '--smoke' || arg.includes('=') || args[i + 1] === undefined || args[i + 1]!.startsWith('--')) flags.push(arg);
    else flags.push(arg, args[++i]!);
  }
  return { only, flags };
}

const { only, flags } = splitArgs(process.argv.slice(2));
const smoke = flags.includes('--smoke');

/** The arguments `b` gets for the flags run-all was given. */
function argsOf(b: Benchmark): string[] {
  if (smoke) return b.smoke;
  if (!b.flags) return [];
  return flags.filter((f) => f !== '--quick' || b.quick);
}

let failed = 0;
const started = Date.now();
for (const b of BENCHMARKS) {
  if (only.length && !only.some((o) => b.file.startsWith(o))) continue;
  const file = new URL(b.file, import.meta.url).pathname;
  if (!existsSync(file)) {
    console.log(`\n### ${b.file}: not present, skipped`);
    continue;
  }
  const argv = argsOf(b);
  console.log(`\n### node bench/${b.file} ${argv.join(' ')}`);
  const t0 = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [file, ...argv], { stdio: 'inherit' });
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  console.log(`### ${b.file}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (code !== 0) failed++;
}
console.log(`\n### all benchmarks: ${failed ? `${failed} FAILED` : 'done'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
