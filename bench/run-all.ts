// `npm run bench`: every benchmark in sequence, each in its own process, so one's leftovers
// cannot slow the next. `npm run bench -- --quick` passes --quick to each (a CI-size run).
// Output goes to the terminal as it comes; the exit code is non-zero if any benchmark failed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const BENCHMARKS = ['schedule-next.ts', 'firing-precision.ts', 'throughput.ts', 'start-latency.ts', 'api.ts', 'scale.ts'];
// schedule-next is pure CPU and has no quick mode: it is already seconds long.
const TAKES_QUICK = new Set(['firing-precision.ts', 'throughput.ts', 'start-latency.ts', 'api.ts', 'scale.ts']);
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));

let failed = 0;
for (const name of BENCHMARKS) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  const file = new URL(name, import.meta.url).pathname;
  if (!existsSync(file)) {
    console.log(`\n### ${name}: not present, skipped`);
    continue;
  }
  console.log(`\n### node bench/${name} ${flags.join(' ')}`);
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [file, ...flags.filter((f) => f !== '--quick' || TAKES_QUICK.has(name))], { stdio: 'inherit' });
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  console.log(`### ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (code !== 0) failed++;
}
process.exit(failed ? 1 : 0);
