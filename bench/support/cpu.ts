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
