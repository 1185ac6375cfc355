// Start latency: from the HTTP request that creates a one-shot job (or asks an existing job to
// run now) until its handler starts, p50/p99. Baseline, in the same run on a fresh database of
// the same server: raw pg-boss send() → work() handler start, with useListenNotify as bosun.
//
//   node bench/start-latency.ts            300 of each, one at a time
//   node bench/start-latency.ts --quick    60 of each
//
// bosun runs as a real child process (node src/main.ts, LOG_LEVEL=info); the start instant is
// the `time` of its `run started` log line (written just before execute() is called), the
// request instant the benchmark's clock before fetch(): one machine, one clock. The baseline
// runs in this process and is timed with performance.now().
import { parseArgs } from 'node:util';
import { PgBoss } from 'pg-boss';
import { createLogger } from '../src/log.ts';
import { benchServer } from './support/postgres.ts';
import { header, latencyLine, percentile } from './support/stats.ts';
import { childService } from './support/service.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, count: { type: 'string' } } });
const COUNT = Number(values.count ?? (values.quick ? 60 : 300));
const GAP_MS = 25;
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const server = await benchServer(logger);
try {
  header(`Start latency: ${COUNT} one-shot jobs created through the API, ${COUNT} run-now requests, one at a time`, await server.describe());

  const bosunUrl = await server.database('bench_lat_bosun');
  const service = await childService(bosunUrl);
  const api = `${service.url}/api/v1`;
  const startedAt = (key: string, value: string) =>
    service.proc.waitForLine((l) => l.msg === 'run started' && l[key] === value, 10_000).then((l) => new Date(String(l.time)).getTime());

  const created: number[] = [];
  for (let i = 0; i < COUNT + 5; i++) {
    const t0 = Date.now();
    const res = await fetch(`${api}/jobs/noop?job_id=lat-${i}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (res.status !== 201) throw new Error(`POST /jobs/noop: ${res.status} ${await res.text()}`);
    const started = await startedAt('job_id', `lat-${i}`);
    if (i >= 5) created.push(started - t0); // the first few warm the JIT and the pools
    await sleep(GAP_MS);
  }

  const runNow: number[] = [];
  const periodic = await fetch(`${api}/jobs/noop?job_id=lat-periodic&periodically=1d&when=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  if (periodic.status !== 201) throw new Error(`POST /jobs/noop periodic: ${periodic.status} ${await periodic.text()}`);
  for (let i = 0; i < COUNT; i++) {
    const t0 = Date.now();
    const res = await fetch(`${api}/jobs/lat-periodic/run`, { method: 'POST' });
    if (res.status !== 202) throw new Error(`POST /jobs/lat-periodic/run: ${res.status} ${await res.text()}`);
    const { run } = (await res.json()) as { run: { run_id: string } };
    runNow.push((await startedAt('run_id', run.run_id)) - t0);
    await sleep(GAP_MS);
  }
  await service.stop();

  const bossUrl = await server.database('bench_lat_boss');
  const boss = new PgBoss({ connectionString: bossUrl, schema: 'pgboss', useListenNotify: true });
  boss.on('error', (err) => logger.error({ err }, 'pg-boss error'));
  await boss.start();
  await boss.createQueue('latency', { notify: true });
  let onStart: (() => void) | undefined;
  await boss.work('latency', { batchSize: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 }, async () => onStart?.());
  const baseline: number[] = [];
  for (let i = 0; i < COUNT + 5; i++) {
    const started = new Promise<number>((r) => (onStart = () => r(performance.now())));
    const t0 = performance.now();
    await boss.send('latency', { i });
    const ms = (await started) - t0;
    if (i >= 5) baseline.push(ms);
    await sleep(GAP_MS);
  }
  await boss.stop({ graceful: false, close: true });

  console.log(`bosun  POST /jobs/noop → handler start        ${latencyLine(created)}`);
  console.log(`bosun  POST /jobs/{id}/run → handler start    ${latencyLine(runNow)}`);
  console.log(`pg-boss send() → work handler start (base)   ${latencyLine(baseline)}`);
  const p50 = percentile(created, 50);
  console.log(`\ntarget p50 ≤ 10 ms (one-shot through the API): ${p50 <= 10 ? 'MET' : 'MISSED'} (${p50.toFixed(1)} ms)`);
} finally {
  await server.stop();
}
