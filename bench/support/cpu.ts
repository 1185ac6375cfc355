// CPU time of this process and of every PostgreSQL process, to say where a benchmark's time went.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** Seconds of CPU used so far by this Node process and by all `postgres` processes on the machine. */
export function cpuSeconds(): { node: number; postgres: number } {
  const usage = process.cpuUsage();
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      postgres += (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
    } catch {
      /* exited meanwhile */
    }
  }
  return { node: (usage.user + usage.system) / 1e6, postgres };
}

/**
 * The machine's CPU time so far (all CPUs), and the part of it the hypervisor gave to other
 * guests (`steal`, from /proc/stat). On a shared VM steal moves latency and throughput far more
 * than any change under test; a benchmark prints its share so a noisy run can be told apart.
 */
export function machineTime(): { total: number; steal: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { total: total / TICKS, steal: (fields[7] ?? 0) / TICKS };
  } catch {
    return { total: 0, steal: 0 };
  }
}

/** The share of the machine's CPU time stolen between two readings of machineTime(), as "steal 4 %", or '' where /proc/stat is absent. */
export function stealShare(before: { total: number; steal: number }, after: { total: number; steal: number }): string {
  const total = after.total - before.total;
  return total > 0 ? `steal ${Math.round(((after.steal - before.steal) / total) * 100)} %` : '';
}
