// Percentiles and the one-line summaries every benchmark prints.
import { cpus, totalmem } from 'node:os';

/** The p-th percentile (0–100) of `values`, nearest-rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** "p50 1.2 ms  p99 3.4 ms  max 5.6 ms (n=1000)" */
export function latencyLine(values: readonly number[]): string {
  const f = (v: number) => `${v.toFixed(1)} ms`;
  return `p50 ${f(percentile(values, 50))}  p99 ${f(percentile(values, 99))}  max ${f(percentile(values, 100))}  (n=${values.length})`;
}

/** The machine, for the header of every benchmark's output. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
}

/** Prints a benchmark's header: what it measures, on what, when. */
export function header(title: string, server: string): void {
  console.log(`\n=== ${title}\n${new Date().toISOString()}  ${machine()}\n${server}\n`);
}
