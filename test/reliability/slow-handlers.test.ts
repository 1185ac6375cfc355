// Slow and failing handlers at scale: beside 30 noop jobs every second, a handler that hangs
// (ignores its signal; only the timeout ends it), one that throws, and one that allocates
// 200 MB. The noop jobs keep their timing: every occurrence runs, median lateness unchanged,
// p99 within the default misfire grace.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/database.ts';
import { isAlive } from '../helpers/process.ts';
import { call, createJob, report, runsOf, sleep, sqlClient, startInstance, type Instance } from './cluster.ts';
import { percentile } from '../../bench/support/stats.ts';

const CALM_S = 10;
const STORM_S = 25;

test('slow and failing handlers: the other jobs keep their timing', async () => {
  const url = await createTestDatabase('bosun_rel_slow');
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) await i.kill();
  });
  const bosun = await startInstance(url, { BOSUN_CONCURRENCY: '20' });
  instances.push(bosun);
  const start = Math.ceil(Date.now() / 1000) * 1000 + 2000;
  for (let i = 0; i < 30; i++) {
    await createJob(bosun.url, { job_id: `slow-tick-${i}`, handler: 'noop', periodically: '1s', when: new Date(start + (i % 10) * 100).toISOString(), misfire_grace_time: '5s' });
  }
  await sleep(start - Date.now() + CALM_S * 1000);
  const storm = Date.now();
  const storming = new Date(Math.ceil(storm / 1000) * 1000 + 1000).toISOString();
  await createJob(bosun.url, { job_id: 'slow-hang', handler: 'rel-hang', periodically: '2s', when: storming, overlap: 'allow', timeout: '3s' });
  await createJob(bosun.url, { job_id: 'slow-throw', handler: 'rel-throw', periodically: '1s', when: storming, retries: 1, retry_delay: '1s' });
  await createJob(bosun.url, { job_id: 'slow-alloc', handler: 'rel-alloc', kwargs: { mb: 200 }, periodically: '2s', when: storming });
  await sleep(STORM_S * 1000);
  for (const id of ['slow-hang', 'slow-throw', 'slow-alloc', ...Array.from({ length: 30 }, (_, i) => `slow-tick-${i}`)]) await call(`${bosun.url}/jobs/${id}?state=paused`, 'PUT');
  await sleep(4000);
  const alive = isAlive(bosun.pid);
  await bosun.stop();

  const late = (from: number, to: number) =>
    bosun.started()
      .filter((l) => String(l.job_id).startsWith('slow-tick-'))
      .filter((l) => {
        const t = new Date(String(l.scheduled_for)).getTime();
        return t >= from && t < to;
      })
      .map((l) => Number(l.late_ms));
  const calm = late(start + 2000, storm);
  const stormy = late(storm + 1000, storm + STORM_S * 1000);
  const client = await sqlClient(url);
  after(() => client.end());
  const runs = await runsOf(client, 'slow-');
  const ticks = runs.filter((r) => r.job_id.startsWith('slow-tick-'));
  let lost = 0;
  for (let i = 0; i < 30; i++) {
    const instants = new Set(ticks.filter((r) => r.job_id === `slow-tick-${i}`).map((r) => r.scheduled_for.getTime()));
    const first = Math.min(...instants);
    const last = Math.max(...instants);
    for (let t = first; t <= last; t += 1000) if (!instants.has(t)) lost++;
  }
  const of = (id: string, status: string) => runs.filter((r) => r.job_id === id && r.status === status).length;
  const { rows: failures } = await client.query<{ error_name: string; n: string }>(`select error_name, count(*) as n from failures where job_id like 'slow-%' group by error_name`);
  const notSucceeded = ticks.filter((r) => r.status !== 'succeeded');
  report('slow and failing handlers', {
    tick_runs: ticks.length,
    tick_not_succeeded: notSucceeded.length,
    tick_statuses: [...new Set(ticks.map((r) => r.status))].map((s) => `${s}:${ticks.filter((r) => r.status === s).length}`).join(','),
    tick_lost: lost,
    calm_p50_ms: percentile(calm, 50),
    calm_p99_ms: percentile(calm, 99),
    storm_p50_ms: percentile(stormy, 50),
    storm_p99_ms: percentile(stormy, 99),
    storm_max_ms: percentile(stormy, 100),
    hang_timed_out: of('slow-hang', 'timed_out'),
    throw_failed: of('slow-throw', 'failed'),
    alloc_succeeded: of('slow-alloc', 'succeeded'),
    failures: failures.map((f) => `${f.error_name}:${f.n}`).join(','),
    alive: String(alive),
  });
  if (notSucceeded.length) {
    console.log(`[reliability] slow and failing handlers: tick runs not succeeded (storm from ${new Date(storm).toISOString()}):\n${notSucceeded.map((r) => `${r.job_id} ${r.scheduled_for.toISOString()} ${r.status} ${r.error ?? ''}`).join('\n')}`);
    // What the instance warned of meanwhile (the handlers' own failures aside), to tell why.
    const warnings = bosun.proc.lines.filter((l) => Number(l.level) >= 40 && !String(l.job_id ?? '').startsWith('slow-throw') && !String(l.job_id ?? '').startsWith('slow-hang'));
    console.log(`[reliability] slow and failing handlers: instance warnings:\n${warnings.slice(-20).map((l) => JSON.stringify(l)).join('\n')}`);
  }
  assert.ok(alive, 'bosun survived');
  assert.equal(lost, 0, 'tick occurrences lost');
  assert.equal(ticks.filter((r) => r.status !== 'succeeded').length, 0, 'every tick run succeeded (none misfired)');
  assert.ok(of('slow-hang', 'timed_out') >= 3, 'the hanging handler is ended by its timeout');
  assert.ok(of('slow-throw', 'failed') >= 5, 'the throwing handler fails');
  assert.ok(of('slow-alloc', 'succeeded') >= 5, 'the allocating handler runs');
  // Handlers share the process's event loop: a 200 MB allocation delays other starts by a few
  // hundred ms. The bound is the default misfire grace (1 s): within it nothing is lost.
  assert.ok(percentile(stormy, 50) <= percentile(calm, 50) * 2 + 20, `tick lateness p50 ${percentile(stormy, 50)} ms in the storm vs ${percentile(calm, 50)} ms before`);
  assert.ok(percentile(stormy, 99) < 1000, `tick lateness p99 ${percentile(stormy, 99)} ms in the storm vs ${percentile(calm, 99)} ms before`);
});
