// API: requests per second and latency of POST /jobs/{handler} and GET /jobs with 10 000 jobs
// stored, driven from a second process. Two passes per route: at a constant 500 req/s (the
// target: p99 < 20 ms), and flat out (the ceiling). Baseline, in the same run: GET
// /api/v1/liveness, a route that touches no database, through the same server and client.
//
// The 500 req/s passes use bench/support/constant-rate.ts, an open-loop driver: a request every
// 2 ms, each timed from when it was due. Until 2026-11-23 they used autocannon's `-R 500`, which
// is not a constant rate: each of the 10 connections sends back to back until it has made its 50
// of the second, then idles until the next second, so a server whose ceiling is 850 req/s runs
// flat out for 60 % of each second; and it pads every answer slower than 1 ms with samples 1 ms
// apart. Its figure is still printed beside ("autocannon -R"), for comparison with older results.
// The flat-out passes use autocannon (closed loop, 10 connections): that is what a ceiling is.
//
//   node bench/api.ts             10 000 stored jobs, 15 s per pass
//   node bench/api.ts --quick     10 000 stored jobs, 5 s per pass
//   --only get|get-uncached|post|liveness   only those routes' passes (a comma list)
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
import type { ConstantRateResult } from './support/constant-rate.ts';
import { seedDailyJobs } from './support/seed-jobs.ts';
import { machineTime, stealShare } from './support/cpu.ts';

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
const CONSTANT_RATE = new URL('./support/constant-rate.ts', import.meta.url).pathname;

interface Cannon {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** What one pass measured, whichever driver made it. */
interface Pass {
  rate: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  bad: number;
}

/** Runs `node args…` and parses the JSON it prints. */
function childJson<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${args[0]} exited ${code}: ${err.slice(-2000)}`));
      }
    });
  });
}

interface Request {
  method?: string;
  body?: string;
  seconds?: number;
}

/** autocannon in a child process: closed loop over 10 connections, or its `-R rate` mode. */
async function cannon(url: string, options: Request & { rate?: number }): Promise<Pass> {
  const args = [AUTOCANNON, '--json', '-d', String(options.seconds ?? SECONDS), '-c', '10', '-m', options.method ?? 'GET'];
  if (options.rate) args.push('-R', String(options.rate));
  if (options.body !== undefined) args.push('-H', 'content-type=application/json', '-b', options.body);
  args.push(url);
  const r = await childJson<Cannon>(args);
  return { rate: r.requests.average, requests: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, bad: r.non2xx + r.errors + r.timeouts };
}

/** The open-loop driver in a child process: `RATE` requests a second, each timed from when it was due. */
async function steady(url: string, options: Request = {}): Promise<Pass> {
  const args = [CONSTANT_RATE, '--url', url, '--method', options.method ?? 'GET', '--rate', String(RATE), '--seconds', String(options.seconds ?? SECONDS)];
  if (options.body !== undefined) args.push('--body', options.body);
  const r = await childJson<ConstantRateResult>(args);
  return { rate: r.rate, requests: r.requests, p50: r.p50, p99: r.p99, max: r.max, bad: r.non2xx + r.errors };
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
  /** The machine's CPU time stolen by other guests during the pass (stealShare). */
  steal?: string;
}

function line(label: string, r: Pass, cpu?: Cpu): string {
  const per = (ms: number | null) => (ms === null ? '   -' : (ms / Math.max(1, r.requests)).toFixed(2).padStart(4));
  const cost = cpu ? `   cpu/req service ${per(cpu.serviceMs)} ms, postgres ${per(cpu.postgresMs)} ms${cpu.steal ? `, ${cpu.steal}` : ''}` : '';
  return `${label.padEnd(52)} ${Math.round(r.rate).toString().padStart(6)} req/s   p50 ${String(r.p50).padStart(5)} ms   p99 ${String(r.p99).padStart(5)} ms   max ${String(r.max).padStart(6)} ms   ${r.requests} requests${r.bad ? `, ${r.bad} not 2xx/errors` : ''}${cost}`;
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
  // The first requests of a route meet cold code (JIT, lazy imports): an unmeasured warm-up first.
  // GET /jobs keeps each job's view rendered per row version (src/api/job-view-cache.ts), so the
  // seeded page is read as ids and versions. `get-uncached` is the same route on a second,
  // API-only process with that cache off: what a page costs when every job on it changed since
  // it was last listed (its rows read whole and rendered). Printed, not judged.
  const uncached = wanted('get-uncached') ? await childService(url, { BOSUN_JOB_VIEW_CACHE: '0', BOSUN_ROLES: 'api' }) : undefined;
  const routes: Record<string, { url: string; pid: number } & Request> = {
    liveness: { url: `${api}/liveness`, pid: service.proc.child.pid! },
    get: { url: `${api}/jobs`, pid: service.proc.child.pid! },
    post: { url: post, method: 'POST', body: '{}', pid: service.proc.child.pid! },
    ...(uncached ? { 'get-uncached': { url: `${uncached.url}/api/v1/jobs`, pid: uncached.proc.child.pid! } } : {}),
  };
  const names = [['liveness', 'GET /liveness'], ['get', 'GET /jobs'], ['get-uncached', 'GET /jobs (view cache off)'], ['post', 'POST /jobs/noop']] as const;
  const base = (route: string) => (route === 'liveness' ? ' (base)' : '');
  const warm = new Set<string>();
  const passes: Array<[string, string, () => Promise<Pass>]> = [];
  for (const [route, name] of names) {
    if (!routes[route]) continue;
    passes.push([route, `${name} at a steady 500 req/s${base(route)}`, () => steady(routes[route]!.url, routes[route])]);
    passes.push([route, `${name}, autocannon -R 500${base(route)}`, () => cannon(routes[route]!.url, { ...routes[route], rate: RATE })]);
  }
  for (const [route, name] of names) if (routes[route]) passes.push([route, `${name} flat out, 10 connections${base(route)}`, () => cannon(routes[route]!.url, routes[route]!)]);
  const results: Array<[string, Pass, Cpu]> = [];
  const postmaster = await postmasterPid(url);
  const cpuNow = (pid: number): Cpu => ({ serviceMs: procStat(pid)?.cpuMs ?? 0, postgresMs: postmaster === null ? null : postgresCpuMs(postmaster) });
  const loadBefore = loadavg();
  const statements: string[] = [];
  for (const [route, label, run] of passes) {
    if (!wanted(route)) continue;
    if (WARMUP > 0 && !warm.has(route)) {
      await steady(routes[route]!.url, { ...routes[route], seconds: WARMUP });
      warm.add(route);
    }
    if (values.statements) await server.resetStatements(url);
    const cpuBefore = cpuNow(routes[route]!.pid);
    const machineBefore = machineTime();
    const result = await run();
    const cpuAfter = cpuNow(routes[route]!.pid);
    const steal = stealShare(machineBefore, machineTime());
    const postgresMs = cpuAfter.postgresMs === null || cpuBefore.postgresMs === null ? null : cpuAfter.postgresMs - cpuBefore.postgresMs;
    results.push([label, result, { serviceMs: cpuAfter.serviceMs - cpuBefore.serviceMs, postgresMs, steal }]);
    const top = values.statements ? await server.topStatements(url, 6) : null;
    if (top) {
      statements.push(`\n${label}: statements by total time (pg_stat_statements)`);
      for (const t of top) statements.push(`${t.totalMs.toFixed(0).padStart(8)} ms ${String(t.calls).padStart(8)} calls ${t.meanMs.toFixed(3).padStart(8)} ms/call  ${t.query}`);
    }
  }
  await Promise.all([service.stop(), uncached?.stop()]);
  console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before the passes, ${loadavg().map((l) => l.toFixed(2)).join(' ')} after; warm-up ${WARMUP} s a route\n`);
  for (const [label, r, cpu] of results) console.log(line(label, r, cpu));
  for (const l of statements) console.log(l);
  const atRate = results.filter(([l]) => l.includes('steady') && !l.includes('base') && !l.includes('cache off'));
  const met = atRate.every(([, r]) => r.p99 < 20 && r.rate >= RATE * 0.95 && r.bad === 0);
  console.log(`\ntarget p99 < 20 ms at a steady 500 req/s (GET /jobs and POST /jobs/noop): ${met ? 'MET' : 'MISSED'}`);
} finally {
  await server.stop();
}
