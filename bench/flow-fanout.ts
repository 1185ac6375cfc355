/**
 * A 1 000-step fan-out flow (start → 1 000 `noop` leaves → join) run to completion, beside the
 * baseline: raw pg-boss doing the same no-op work (1 000 jobs inserted at once, worked by the same
 * number of batch-1 workers, each completed job waking its worker again). The gap is what bosun's
 * flow bookkeeping costs per step: claim and settle transactions, dependants, aggregate status.
 *
 * Run: ./node_modules/.bin/node bench/flow-fanout.ts [width=1000] [concurrency=16]
 * (DATABASE_URL for an external PostgreSQL, else an embedded one in a temporary folder.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { createLogger } from '../src/log.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { registryOf } from '../src/handlers/registry.ts';
import { fanoutFlowYaml } from '../src/flows/fanout-flow.ts';
import { startFlows } from '../src/flows/startup.ts';
import { Noop } from '../handlers/noop.ts';

const WIDTH = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const logger = createLogger('warn', false);
const tmp = await mkdtemp(join(tmpdir(), 'bosun-bench-flow-'));
let url = process.env.DATABASE_URL;
let stopPg = async () => {};
if (!url) {
  const pgDir = await mkdtemp(join(tmpdir(), 'bosun-bench-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: pgDir, port: 56000 + Math.floor(Math.random() * 2000), logger, binDir: process.env.BOSUN_PG_BIN_DIR });
  url = server.url;
  stopPg = async () => {
    await server.stop();
    await rm(pgDir, { recursive: true, force: true });
  };
}
// A database of its own, so the bench never touches real data.
const name = `bosun_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create database ${name}`);
await admin.end();
const dbUrl = new URL(url);
dbUrl.pathname = `/${name}`;

const database = openDatabase(dbUrl.toString(), logger, CONCURRENCY + 5);
await migrateToLatest(database.db);
const boss = new PgBoss({ connectionString: dbUrl.toString(), useListenNotify: true, max: CONCURRENCY + 5 });
boss.on('error', (err) => logger.error({ err }, 'pg-boss error'));
await boss.start();

// Baseline: raw pg-boss, the same number of no-op steps, the same workers.
await boss.createQueue('bench-raw', { notify: true });
let done = 0;
let finish!: () => void;
const allDone = new Promise<void>((r) => (finish = r));
const total = WIDTH + 2;
const ids: string[] = [];
const rawStart = performance.now();
await boss.insert('bench-raw', Array.from({ length: total }, (_, i) => ({ data: { i } })));
for (let i = 0; i < CONCURRENCY; i++) {
  const slot = i;
  ids.push(
    await boss.work('bench-raw', { batchSize: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 }, async () => {
      if (++done === total) finish();
      queueMicrotask(() => boss.notifyWorker(ids[slot]!));
    }),
  );
}
await allDone;
const rawMs = performance.now() - rawStart;
await boss.offWork('bench-raw');

// bosun: the same work as a flow.
const flowsDir = join(tmp, 'flows');
await import('node:fs/promises').then((fs) => fs.mkdir(flowsDir));
await writeFile(join(flowsDir, 'fanout.yaml'), fanoutFlowYaml('fanout', WIDTH));
const flows = await startFlows({ flowsDir, db: database.db, boss, registry: registryOf([Noop] as never), logger, host: 'bench', worker: true, concurrency: CONCURRENCY, shutdownTimeoutMs: 1000 });
const flowStart = performance.now();
const run = await flows.commands.start('fanout', {});
for (;;) {
  const { run: now } = await flows.commands.get(run.flow_run_id);
  if (now.status === 'succeeded' || now.status === 'failed') {
    if (now.status !== 'succeeded') throw new Error(`flow run ${now.status}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
const flowMs = performance.now() - flowStart;

const rate = (ms: number) => Math.round((total / ms) * 1000);
console.log(`fan-out of ${WIDTH} (+ start and join = ${total} steps), ${CONCURRENCY} workers, one process:`);
console.log(`  bosun flow:           ${Math.round(flowMs)} ms  ${rate(flowMs)} steps/s`);
console.log(`  raw pg-boss baseline: ${Math.round(rawMs)} ms  ${rate(rawMs)} jobs/s  (no dependencies, no state)`);

await flows.stop();
await boss.stop({ graceful: false, close: true });
await database.close();
const drop = new pg.Client({ connectionString: url });
await drop.connect();
await drop.query(`drop database if exists ${name} with (force)`);
await drop.end();
await stopPg();
await rm(tmp, { recursive: true, force: true });
