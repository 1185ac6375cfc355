// Scale: 100 000 job definitions stored. Startup time and RSS of a bosun process on them,
// beside the same process on an empty database (the baseline, same run, same server); a YAML
// sync of 10 000 job files at startup (first sync, then an unchanged one); and firing precision
// (bench/firing-precision.ts --quick) on an empty database and on the one holding 100 000 jobs.
//
//   node bench/scale.ts            100 000 jobs, 10 000 YAML files
//   node bench/scale.ts --quick    20 000 jobs, 2 000 YAML files
//   node bench/scale.ts --smoke    500 jobs, 50 YAML files, RSS after 1 s, firing-precision.ts --smoke: a CI check that it runs
//   options: --jobs N  --files F  --no-firing
//
// bosun runs as a real child process (node src/main.ts, LOG_LEVEL=info); startup is timed from
// spawn to the `bosun API listening` line and to the first 200 from /readiness; RSS is read
// from /proc/<pid>/status once started and again after 20 s of idling (1 s with --smoke).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/log.ts';
import { benchServer } from './support/postgres.ts';
import { header } from './support/stats.ts';
import { childService } from './support/service.ts';
import { seedDailyJobs } from './support/seed-jobs.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, smoke: { type: 'boolean' }, jobs: { type: 'string' }, files: { type: 'string' }, 'no-firing': { type: 'boolean' } } });
const JOBS = Number(values.jobs ?? (values.smoke ? 500 : values.quick ? 20_000 : 100_000));
const FILES = Number(values.files ?? (values.smoke ? 50 : values.quick ? 2000 : 10_000));
const IDLE_S = values.smoke ? 1 : 20;
const FIRING_ARGS = values.smoke ? ['--smoke'] : ['--quick'];
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D/g, '') ?? 0) / 1024);
}

interface Startup {
  listeningMs: number;
  readyMs: number;
  rssStartMb: number;
  rssIdleMb: number;
  syncLine: string;
}

/** Starts bosun on `url`, times it, reads its RSS, stops it. */
async function startup(url: string, extra: Record<string, string> = {}): Promise<Startup> {
  const t0 = performance.now();
  const service = await childService(url, extra, 900_000);
  const listeningMs = performance.now() - t0;
  for (;;) {
    const ok = await fetch(`${service.url}/api/v1/readiness`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await sleep(20);
  }
  const readyMs = performance.now() - t0;
  const pid = service.proc.child.pid!;
  const rssStartMb = rssMb(pid);
  await sleep(IDLE_S * 1000);
  const rssIdleMb = rssMb(pid);
  const sync = service.proc.lines.find((l) => l.msg === 'default jobs synced');
  await service.stop();
  return { listeningMs, readyMs, rssStartMb, rssIdleMb, syncLine: sync ? JSON.stringify({ created: sync.created, updated: sync.updated, unchanged: sync.unchanged }) : '' };
}

function line(label: string, s: Startup): string {
  return `${label.padEnd(44)} listening ${(s.listeningMs / 1000).toFixed(2).padStart(6)} s   ready ${(s.readyMs / 1000).toFixed(2).padStart(6)} s   RSS ${String(s.rssStartMb).padStart(4)} MB at start, ${String(s.rssIdleMb).padStart(4)} MB after ${IDLE_S} s${s.syncLine ? `   sync ${s.syncLine}` : ''}`;
}

/** Writes `count` YAML job files (daily noop jobs) into a fresh folder. */
async function yamlFolder(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-yaml-'));
  for (let i = 0; i < count; i += 100) {
    const sub = join(dir, `group-${Math.floor(i / 100)}`);
    await mkdir(sub);
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, k) =>
        writeFile(join(sub, `job-${i + k}.yaml`), `job_id: yaml-${i + k}\nhandler: noop\ndescription: YAML job ${i + k} of the scale benchmark\nperiodically: 1 day\nwhen: "2099-01-01T00:00:00Z"\nmisfire_grace_time: 1 minute\n`),
      ),
    );
  }
  return dir;
}

/** Runs bench/firing-precision.ts --quick (smaller with --smoke) on `url` and returns its result lines. */
function firing(url: string): Promise<string[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [new URL('firing-precision.ts', import.meta.url).pathname, ...FIRING_ARGS], { env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve([...out.split('\n').filter((l) => /p99|misfired|jobs, every/.test(l)), ...(code ? [`(exit ${code})`] : [])]));
  });
}

const server = await benchServer(logger);
try {
  header(`Scale: ${JOBS} stored job definitions, ${FILES} YAML files`, await server.describe());
  const emptyUrl = await server.database('bench_scale_empty');
  const bigUrl = await server.database('bench_scale_big');
  const base = await startup(emptyUrl); // also migrates both the way a first start does
  await (await childService(bigUrl)).stop();
  const seedMs = await seedDailyJobs(bigUrl, JOBS, 'scale', logger);
  console.log(`stored ${JOBS} jobs through JobCommands.upsert in ${(seedMs / 1000).toFixed(1)} s (${Math.round(JOBS / (seedMs / 1000))} jobs/s)`);
  const big = await startup(bigUrl);
  const yaml = await yamlFolder(FILES);
  const firstSync = await startup(bigUrl, { BOSUN_DEFAULT_JOBS_DIR: yaml });
  const againSync = await startup(bigUrl, { BOSUN_DEFAULT_JOBS_DIR: yaml });
  await rm(yaml, { recursive: true, force: true });

  console.log('');
  console.log(line('empty database (baseline)', base));
  console.log(line(`${JOBS} jobs`, big));
  console.log(line(`${JOBS} jobs + first sync of ${FILES} YAML files`, firstSync));
  console.log(line(`${JOBS} jobs + unchanged ${FILES} YAML files`, againSync));
  console.log(`YAML sync of ${FILES} files ≈ ${((firstSync.listeningMs - big.listeningMs) / 1000).toFixed(1)} s first time, ${((againSync.listeningMs - big.listeningMs) / 1000).toFixed(1)} s unchanged (startup difference)`);

  if (!values['no-firing']) {
    console.log(`\nfiring precision (bench/firing-precision.ts ${FIRING_ARGS.join(' ')}), empty database:`);
    for (const l of await firing(await server.database('bench_scale_fire'))) console.log(`  ${l}`);
    console.log(`firing precision, beside the ${JOBS + FILES} stored jobs:`);
    for (const l of await firing(bigUrl)) console.log(`  ${l}`);
  }
} finally {
  await server.stop();
}
