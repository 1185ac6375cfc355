// API: requests per second and latency of POST /jobs/{handler} and GET /jobs with 10 000 jobs
// stored, driven by autocannon in a second process. Two passes per route: at a fixed 500 req/s
// (the target: p99 < 20 ms) and flat out (the ceiling). Baseline, in the same run: GET
// /api/v1/liveness, a route that touches no database, through the same server and client.
//
//   node bench/api.ts             10 000 stored jobs, 15 s per pass
//   node bench/api.ts --quick     10 000 stored jobs, 5 s per pass
//   --only get|post|liveness      only that route's passes (a comma list)
//   --cpu-prof DIR                the service child writes a V8 CPU profile to DIR (node --cpu-prof)
//   --statements                  the top statements of each pass (pg_stat_statements)
//   --warmup S                    an unmeasured S-second pass at 500 req/s before each route's first
//                                 measured pass (default 2; 0 = none, as the figures before 2026-11-23)
//
// Each line also gives the CPU time per request (user + system) of the service process and of
// PostgreSQL's processes (the postmaster's children; "-" for a server on another machine) during
// the pass: a cost that other work on a shared machine moves far less than it moves latency.
//
// bosun runs as a real child process (node src/main.ts, LOG_LEVEL=info: requests are not logged
// at info); the stored jobs are daily jobs first due tomorrow, so nothing fires meanwhile.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/log.ts';
import { benchServer } from './support/postgres.ts';
import { header } from './support/stats.ts';
import { childService } from './support/service.ts';
import { seedDailyJobs } from './support/seed-jobs.ts';

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, jobs: { type: 'string' }, seconds: { type: 'string' }, only: { type: 'string' }, warmup: { type: 'string' }, 'cpu-prof': { type: 'string' }, statements: { type: 'boolean' } },
});
const ONLY = values.only?.split(',');
const wanted = (route: string) => ONLY === undefined || ONLY.includes(route);
const JOBS = Number(values.jobs ?? 10_000);
const SECONDS = Number(values.seconds ?? (values.quick ? 5 : 15));
const RATE = 500;
const WARMUP = Number(values.warmup ?? 2);
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);
const AUTOCANNON = new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname;

interface Cannon {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Runs autocannon in a child process and returns its JSON summary. */
function cannon(url: string, options: { method?: string; body?: string; rate?: number; connections: number; seconds?: number }): Promise<Cannon> {
  const args = [AUTOCANNON, '--json', '-d', String(options.seconds ?? SECONDS), '-c', String(options.connections), '-m', options.method ?? 'GET'];
  if (options.rate) args.push('-R', String(options.rate));
  if (options.body !== undefined) args.push('-H', 'content-type=application/json', '-b', options.body);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as Cannon);
      } catch {
        reject(new Error(`autocannon exited ${code}: ${err.slice(-2000)}`));
      }
    });
  });
}

// CPU time (user + system) of processes from /proc, in ms: a cost per request that the other
// load on a shared machine changes far less than it changes latency.
const TICK_MS = 10; // USER_HZ is 100 on Linux
function procStat(pid: number): { ppid: number; cpuMs: number; exitedChildrenMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, exitedChildrenMs: (Number(f[13]) + Number(f[14])) * TICK_MS };
  } catch {
    return null;
  }
}
/** CPU ms of the postmaster `root` and its children (the backends, those that exited too) so far. */
function postgresCpuMs(root: number): number {
  const postmaster = procStat(root);
  let total = postmaster ? postmaster.cpuMs + postmaster.exitedChildrenMs : 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (st && st.ppid === root) total += st.cpuMs;
  }
  return total;
}
/** The postmaster's pid: the parent of a backend. */
async function postmasterPid(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    return procStat(pid)?.ppid ?? null; // null: a server on another machine
  } finally {
    await client.end();
  }
}

interface Cpu {
  serviceMs: number;
  postgresMs: number | null;
}

function line(label: string, r: Cannon, cpu?: Cpu): string {
  const bad = r.non2xx + r.errors + r.timeouts;
  const per = (ms: number | null) => (ms === null ? '   -' : (ms / Math.max(1, r.requests.total)).toFixed(2).padStart(4));
  const cost = cpu ? `   cpu/req service ${per(cpu.serviceMs)} ms, postgres ${per(cpu.postgresMs)} ms` : '';
  return `${label.padEnd(44)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   max ${String(r.latency.max).padStart(5)} ms   ${r.requests.total} requests${bad ? `, ${bad} not 2xx/errors` : ''}${cost}`;
}

const server = await benchServer(logger);
try {
  header(`API: ${JOBS} stored jobs; autocannon in a child process, ${SECONDS} s per pass`, await server.describe());
  const url = await server.database('bench_api');
  const profile = values['cpu-prof'];
  const service = await childService(url, profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {});
  const seedMs = await seedDailyJobs(url, JOBS, 'api-seed', logger);
  console.log(`seeded ${JOBS} jobs in ${(seedMs / 1000).toFixed(1)} s (JobCommands.upsert, chunks of 1000)\n`);
  const api = `${service.url}/api/v1`;
  const when = encodeURIComponent(new Date(Date.now() + 2 * 86_400_000).toISOString());
  // Each POST creates a new job (random id), a daily one first due in two days.
  const post = `${api}/jobs/noop?periodically=1d&when=${when}`;
  // The first requests of a route meet cold code (JIT, lazy imports); autocannon pads every late
  // answer at 500 req/s with samples 1 ms apart, so a cold start alone can move a 5 s pass's p99.
  const warmups: Record<string, () => Promise<Cannon>> = {
    liveness: () => cannon(`${api}/liveness`, { rate: RATE, connections: 10, seconds: WARMUP }),
    get: () => cannon(`${api}/jobs`, { rate: RATE, connections: 10, seconds: WARMUP }),
    post: () => cannon(post, { method: 'POST', body: '{}', rate: RATE, connections: 10, seconds: WARMUP }),
  };
  const warm = new Set<string>();
  const passes: Array<[string, string, () => Promise<Cannon>]> = [
    ['liveness', 'GET /liveness at 500 req/s (base)', () => cannon(`${api}/liveness`, { rate: RATE, connections: 10 })],
    ['get', 'GET /jobs at 500 req/s', () => cannon(`${api}/jobs`, { rate: RATE, connections: 10 })],
    ['post', 'POST /jobs/noop at 500 req/s', () => cannon(post, { method: 'POST', body: '{}', rate: RATE, connections: 10 })],
    ['liveness', 'GET /liveness flat out, 10 connections (base)', () => cannon(`${api}/liveness`, { connections: 10 })],
    ['get', 'GET /jobs flat out, 10 connections', () => cannon(`${api}/jobs`, { connections: 10 })],
    ['post', 'POST /jobs/noop flat out, 10 connections', () => cannon(post, { method: 'POST', body: '{}', connections: 10 })],
  ];
  const results: Array<[string, Cannon, Cpu]> = [];
  const postmaster = await postmasterPid(url);
  const cpuNow = (): Cpu => ({ serviceMs: procStat(service.proc.child.pid!)?.cpuMs ?? 0, postgresMs: postmaster === null ? null : postgresCpuMs(postmaster) });
  const loadBefore = loadavg();
  const statements: string[] = [];
  for (const [route, label, run] of passes) {
    if (!wanted(route)) continue;
    if (WARMUP > 0 && !warm.has(route)) {
      await warmups[route]!();
      warm.add(route);
    }
    if (values.statements) await server.resetStatements(url);
    const cpuBefore = cpuNow();
    const result = await run();
    const cpuAfter = cpuNow();
    const postgresMs = cpuAfter.postgresMs === null || cpuBefore.postgresMs === null ? null : cpuAfter.postgresMs - cpuBefore.postgresMs;
    results.push([label, result, { serviceMs: cpuAfter.serviceMs - cpuBefore.serviceMs, postgresMs }]);
    const top = values.statements ? await server.topStatements(url, 6) : null;
    if (top) {
      statements.push(`\n${label}: statements by total time (pg_stat_statements)`);
      for (const t of top) statements.push(`${t.totalMs.toFixed(0).padStart(8)} ms ${String(t.calls).padStart(8)} calls ${t.meanMs.toFixed(3).padStart(8)} ms/call  ${t.query}`);
    }
  }
  await service.stop();
  console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before the passes, ${loadavg().map((l) => l.toFixed(2)).join(' ')} after; warm-up ${WARMUP} s a route\n`);
  for (const [label, r, cpu] of results) console.log(line(label, r, cpu));
  for (const l of statements) console.log(l);
  const atRate = results.filter(([l]) => l.includes('500 req/s') && !l.includes('base'));
  const met = atRate.every(([, r]) => r.latency.p99 < 20 && r.requests.average >= RATE * 0.95 && r.non2xx + r.errors === 0);
  console.log(`\ntarget p99 < 20 ms at 500 req/s (GET /jobs and POST /jobs/noop): ${met ? 'MET' : 'MISSED'}`);
} finally {
  await server.stop();
}
