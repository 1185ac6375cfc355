// Handlers that misbehave every way a careless user's can, beside a healthy job every second:
// output and results PostgreSQL cannot store as they are, class handlers throwing from a timer
// or leaving a rejection unhandled, `function` handlers calling process.exit, looping forever
// and allocating past their heap. The service stays up and ready, the healthy job misses no
// occurrence, every bad run ends with a final status and a readable error within its timeout
// plus 5 s, and bosun_runs_in_progress equals the runs really running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/database.ts';
import { isAlive } from '../helpers/process.ts';
import { call, createJob, endClient, eventually, report, sleep, sqlClient, startInstance, watchReadiness, type Instance } from './cluster.ts';

const HANDLERS = new URL('./unruly/handlers/', import.meta.url).pathname;
const FUNCTIONS = new URL('./unruly/functions/', import.meta.url).pathname;
const STORM_S = 24;
const TIMEOUT_S = 3;
const FINAL = new Set(['succeeded', 'failed', 'timed_out']);

/** Each bad job, how its runs must end, and what their error must say. */
const BAD: Array<{ id: string; handler: string; kwargs?: Record<string, unknown>; status: string; error?: RegExp }> = [
  { id: 'unruly-cmd-nul', handler: 'command', kwargs: { command: "printf 'a\\0b\\n'; head -c 2000 /dev/urandom" }, status: 'succeeded' },
  { id: 'unruly-unstorable', handler: 'unruly-unstorable', status: 'succeeded' },
  { id: 'unruly-timer-throw', handler: 'unruly-timer-throw', status: 'failed', error: /^UncaughtInHandler: uncaught exception: thrown from a timer/ },
  { id: 'unruly-reject', handler: 'unruly-reject', status: 'failed', error: /^UncaughtInHandler: unhandled rejection: nobody awaited me/ },
  { id: 'unruly-fn-nul', handler: 'function', kwargs: { module: 'unruly.ts', function: 'returnsNul' }, status: 'succeeded' },
  { id: 'unruly-fn-exit', handler: 'function', kwargs: { module: 'unruly.ts', function: 'exits' }, status: 'failed', error: /exit/i },
  { id: 'unruly-fn-loop', handler: 'function', kwargs: { module: 'unruly.ts', function: 'loopsForever' }, status: 'timed_out', error: /timed out/ },
  { id: 'unruly-fn-alloc', handler: 'function', kwargs: { module: 'unruly.ts', function: 'allocates' }, status: 'failed', error: /memory/i },
];

interface RunRow {
  job_id: string;
  scheduled_for: Date;
  status: string;
  error: string | null;
  result: unknown;
  log: Array<{ level: string; msg: string }>;
  started_at: Date | null;
  finished_at: Date | null;
}

/** bosun_runs_in_progress summed over handlers, as GET /metrics says it. */
async function gauge(api: string): Promise<number> {
  const res = await fetch(`${api}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith('bosun_runs_in_progress{') || line.startsWith('bosun_runs_in_progress ')) sum += Number(line.split(' ').at(-1));
  return sum;
}

test('unruly handlers: every run ends, the service survives, the gauge tells the truth', async () => {
  const url = await createTestDatabase('bosun_rel_unruly');
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) await i.kill();
  });
  const bosun = await startInstance(url, { BOSUN_HANDLERS_DIR: HANDLERS, BOSUN_FUNCTIONS_DIR: FUNCTIONS, BOSUN_FUNCTION_MEMORY_MB: '64', BOSUN_CONCURRENCY: '12' });
  instances.push(bosun);
  const client = await sqlClient(url);
  after(() => endClient(client));
  const readiness = watchReadiness([bosun]);
  after(() => readiness.stop());

  const start = Math.ceil(Date.now() / 1000) * 1000 + 2000;
  await createJob(bosun.url, { job_id: 'unruly-tick', handler: 'noop', periodically: '1s', when: new Date(start).toISOString(), misfire_grace_time: '5s' });
  for (const [k, bad] of BAD.entries()) {
    await createJob(bosun.url, {
      job_id: bad.id,
      handler: bad.handler,
      kwargs: bad.kwargs ?? {},
      periodically: '4s',
      when: new Date(start + 1000 + (k % 4) * 250).toISOString(),
      timeout: `${TIMEOUT_S}s`,
      overlap: 'allow',
    });
  }

  // While they run: the gauge matches the runs the database says are running (read side by
  // side, so allow a few tries for a run starting or ending between the two reads).
  const countRunning = async () => Number((await client.query<{ n: string }>(`select count(*) as n from runs where status = 'running'`)).rows[0]!.n);
  let gaugeChecks = 0;
  const until = start + STORM_S * 1000;
  while (Date.now() < until) {
    await sleep(3000);
    await eventually(
      async () => {
        const [g, db] = [await gauge(bosun.url), await countRunning()];
        return g === db && g === (await gauge(bosun.url)) ? true : undefined;
      },
      5000,
      'bosun_runs_in_progress to equal the running runs',
    );
    gaugeChecks++;
  }
  for (const id of ['unruly-tick', ...BAD.map((b) => b.id)]) await call(`${bosun.url}/jobs/${id}?state=paused`, 'PUT');
  // Every run started ends within its timeout plus 5 s: nothing is left running after that.
  await eventually(async () => ((await countRunning()) === 0 ? true : undefined), (TIMEOUT_S + 5) * 1000, 'every run to end');
  const finalGauge = await gauge(bosun.url);
  const alive = isAlive(bosun.pid);
  await readiness.stop();
  const ready = readiness.samples[0]!;

  const { rows: runs } = await client.query<RunRow>(`select job_id, scheduled_for, status, error, result, log, started_at, finished_at from runs where job_id like 'unruly-%' order by job_id, scheduled_for`);
  const ticks = runs.filter((r) => r.job_id === 'unruly-tick');
  const instants = ticks.map((r) => r.scheduled_for.getTime());
  let missed = 0;
  for (let t = Math.min(...instants); t <= Math.max(...instants); t += 1000) if (!instants.includes(t)) missed++;
  const bad = runs.filter((r) => r.job_id !== 'unruly-tick' && r.started_at !== null);
  const late = bad.filter((r) => r.finished_at === null || r.finished_at.getTime() - r.started_at!.getTime() > (TIMEOUT_S + 5) * 1000);
  const wrong = bad.filter((r) => {
    const expected = BAD.find((b) => b.id === r.job_id)!;
    return r.status !== expected.status || (expected.error !== undefined && !expected.error.test(r.error ?? ''));
  });
  await bosun.stop();

  const byStatus = (id: string) => [...new Set(bad.filter((r) => r.job_id === id).map((r) => r.status))].map((s) => `${s}:${bad.filter((r) => r.job_id === id && r.status === s).length}`).join('/');
  report('unruly handlers', {
    tick_runs: ticks.length,
    tick_missed: missed,
    tick_not_succeeded: ticks.filter((r) => r.status !== 'succeeded').length,
    bad_runs: bad.length,
    bad_late: late.length,
    bad_wrong: wrong.length,
    ...Object.fromEntries(BAD.map((b) => [b.id.replace('unruly-', ''), byStatus(b.id)])),
    gauge_checks: gaugeChecks,
    final_gauge: finalGauge,
    not_ready_samples: ready.filter((s) => !s.ok).length,
    alive: String(alive),
  });
  if (wrong.length > 0) console.log(`[reliability] unruly handlers: runs not ending as expected:\n${wrong.map((r) => `${r.job_id} ${r.status} ${r.error ?? ''}`).join('\n')}`);

  assert.ok(alive, 'bosun survived');
  assert.equal(ready.filter((s) => !s.ok).length, 0, 'ready the whole time');
  assert.equal(missed, 0, 'healthy occurrences missed');
  assert.ok(ticks.length >= STORM_S - 2, `healthy runs: ${ticks.length}`);
  assert.equal(ticks.filter((r) => r.status !== 'succeeded').length, 0, 'every healthy run succeeded');
  for (const b of BAD) assert.ok(bad.filter((r) => r.job_id === b.id).length >= 3, `${b.id} ran`);
  assert.deepEqual(late.map((r) => `${r.job_id} ${r.status}`), [], `runs ending past their timeout + 5 s`);
  assert.deepEqual(wrong.map((r) => `${r.job_id} ${r.status} ${r.error}`), [], 'runs ending otherwise than expected');
  for (const r of bad.filter((r) => r.status !== 'succeeded')) assert.ok((r.error ?? '').length > 0, `${r.job_id}: an error to read`);
  // Stored made safe, and said so in the run's log.
  for (const r of bad.filter((r) => ['unruly-cmd-nul', 'unruly-unstorable', 'unruly-fn-nul'].includes(r.job_id))) {
    assert.ok(r.log.some((l) => l.level === 'warn' && l.msg.startsWith('outcome stored made safe')), `${r.job_id}: the log says what was made safe`);
  }
  const unstorable = bad.find((r) => r.job_id === 'unruly-unstorable')!;
  assert.deepEqual(unstorable.result, { nul: 'a\ufffdb', lone: '\ufffd', big: '10', self: '[Circular]' });
  assert.equal(finalGauge, 0, 'bosun_runs_in_progress once every run ended');
});
