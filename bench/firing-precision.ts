// Firing precision: how late runs start after their scheduled instant, for bosun and, in the
// same run on the same database, for the same load through pg-boss schedule() (the baseline).
//
//   node bench/firing-precision.ts            1000 jobs, each every minute, due staggered within the minute; 3 minutes
//   node bench/firing-precision.ts --quick    200 jobs every 10 s (20 per second), 20 s: a CI-size check
//   node bench/firing-precision.ts --smoke    20 jobs every 2 s, 4 s: a CI check that it runs (the pg-boss
//                                             schedule() baseline fires on minute boundaries: none measured)
//   options: --jobs N  --seconds S  (DATABASE_URL to use an external server; else an embedded one)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PgBoss } from 'pg-boss';
import { createLogger } from '../src/log.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { BaseHandler, type HandlerContext } from '../src/handlers/base-handler.ts';
import { startEngine } from '../src/scheduler/engine.ts';
import { parseSchedule } from '../src/schedule/index.ts';
import type { JobDefinition } from '../src/jobs/job.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, smoke: { type: 'boolean' }, jobs: { type: 'string' }, seconds: { type: 'string' } } });
const quick = values.quick === true;
const smoke = values.smoke === true;
const jobs = Number(values.jobs ?? (smoke ? 20 : quick ? 200 : 1000));
const periodMs = smoke ? 2000 : quick ? 10_000 : 60_000;
const seconds = Number(values.seconds ?? (smoke ? 4 : quick ? 20 : 180));
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);

const bosunLate: number[] = [];
const baselineLate: number[] = [];
let measuring = false;

class BenchNoop extends BaseHandler {
  static override name = 'bench-noop';
  override async execute(_kwargs: Record<string, unknown>, context: HandlerContext) {
    if (measuring) bosunLate.push(Date.now() - context.scheduledFor.getTime());
    return null;
  }
}

let url = process.env.DATABASE_URL;
let stopPg = async () => {};
if (!url) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-bench-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: 55400 + Math.floor(Math.random() * 400), logger, binDir: process.env.BOSUN_PG_BIN_DIR });
  url = server.url;
  stopPg = async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

const database = openDatabase(url, logger, 30);
await migrateToLatest(database.db);
const boss = new PgBoss({ connectionString: url, schema: 'pgboss', useListenNotify: true, max: 20 });
boss.on('error', (err) => logger.error({ err }, 'pg-boss error'));
await boss.start();
const engine = await startEngine({
  db: database.db, boss, logger, host: 'bench', scheduler: true, worker: true, concurrency: 10,
  handlers: { resolve: () => BenchNoop }, retentionMs: 86_400_000, shutdownTimeoutMs: 5000,
});

// bosun: N jobs, each every period, due instants spread evenly within the period.
const now = Date.now();
const base = Math.ceil(now / periodMs) * periodMs;
const defs: JobDefinition[] = [];
for (let i = 0; i < jobs; i++) {
  const when = new Date(base + Math.floor((i * periodMs) / jobs));
  const input = { periodically: `${periodMs / 1000}s`, when: when.toISOString(), misfire_grace_time: '30s' };
  defs.push({
    job_id: `bench-${i}`, handler: 'bench-noop', kwargs: {}, description: null, schedule_input: input, schedule: parseSchedule(input, new Date(now)),
    state: 'running', overlap: 'skip', timeout_ms: null, retries: 0, retry_delay_ms: 0, retry_backoff: 1, owner: null, source: 'api',
  });
}
await engine.commands.upsert(defs);

// Baseline: the same number of schedules through pg-boss schedule(), whose resolution is a minute.
const BASELINE = 'bench-baseline';
await boss.createQueue(BASELINE);
for (let i = 0; i < jobs; i++) await boss.schedule(BASELINE, '* * * * *', { i }, { key: `b-${i}` });
await boss.work(BASELINE, { batchSize: 50, includeMetadata: true, pollingIntervalSeconds: 0.5 }, async (batch) => {
  const at = Date.now();
  // A cron job's instant is the minute it belongs to.
  for (const job of batch) if (measuring) baselineLate.push(at - Math.floor(job.createdOn.getTime() / 60_000) * 60_000);
});

console.log(`${jobs} jobs, every ${periodMs / 1000} s, staggered (${((jobs * 1000) / periodMs).toFixed(0)} due per second); measuring for ${seconds} s from ${new Date(base).toISOString()}`);
await new Promise((r) => setTimeout(r, base - Date.now()));
measuring = true;
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const row = (name: string, xs: number[]) =>
  console.log(`${name.padEnd(22)} n=${String(xs.length).padStart(6)}  p50=${String(pct(xs, 50)).padStart(6)} ms  p99=${String(pct(xs, 99)).padStart(6)} ms  max=${String(xs.length ? Math.max(...xs) : NaN).padStart(6)} ms`);
row('bosun', bosunLate);
row('pg-boss schedule()', baselineLate);
if (baselineLate.length === 0) console.log('(no minute boundary was measured for the baseline: run without --quick, or longer)');
// Where the time goes: the claim transaction starts (runs.started_at is its now()) before the handler does.
const claims = await database.db.selectFrom('runs').select(['started_at', 'scheduled_for']).where('status', '=', 'succeeded').execute();
row('bosun claim begins', claims.map((r) => r.started_at!.getTime() - r.scheduled_for.getTime()));
const misfired = await database.db.selectFrom('runs').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'misfired').executeTakeFirstOrThrow();
console.log(`bosun misfired runs: ${misfired.n}`);

// Shutting the embedded server down drops pg-boss's listener connection: expected, not worth a log line.
logger.level = 'fatal';
await engine.stop();
for (let i = 0; i < jobs; i++) await boss.unschedule(BASELINE, `b-${i}`);
await boss.stop({ graceful: false, close: true });
await database.close();
await stopPg();
