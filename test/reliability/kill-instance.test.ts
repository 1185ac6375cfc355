// kill -9 of an instance in the middle of handlers: its runs are retried or failed by policy
// (the survivor's reaper notices the silent heartbeat), none is left `running`, and the
// schedule carries on on the survivor.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/database.ts';
import { FINAL_RUN_STATUSES } from '../../src/runs/run.ts';
import { call, createJob, eventually, report, sleep, sqlClient, startInstance, type Instance } from './cluster.ts';

test('kill -9 mid-handler: runs retried or failed by policy, none left running, schedule carries on', async () => {
  const url = await createTestDatabase('bosun_rel_kill');
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) await i.kill();
  });
  // After the kill the survivor alone carries the six slow jobs (3 s runs every 2 s, overlap
  // allow: 9 handlers in flight on average, more while retries run) plus the ticks. With the
  // default 10 slots per process it runs full, tick messages wait for a freed slot, are claimed
  // over a second late and are coalesced (every other tick `misfired`: 27–28 succeeded in a loaded
  // suite run). BOSUN_CONCURRENCY is a per-process cap by design, not shared across instances,
  // so each process gets the slots to carry the whole load alone.
  const env = { BOSUN_CONCURRENCY: '24' };
  const victim = await startInstance(url, env);
  const survivor = await startInstance(url, env);
  instances.push(victim, survivor);
  const client = await sqlClient(url);
  after(() => client.end());

  const when = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000).toISOString();
  // Slow runs overlap freely, so both instances hold some when the kill comes.
  for (let i = 0; i < 4; i++) await createJob(survivor.url, { job_id: `kill-retry-${i}`, handler: 'rel-sleep', kwargs: { ms: 3000 }, periodically: '2s', when, overlap: 'allow', retries: 2, retry_delay: '1s', misfire_grace_time: '10s' });
  for (let i = 0; i < 2; i++) await createJob(survivor.url, { job_id: `kill-fail-${i}`, handler: 'rel-sleep', kwargs: { ms: 3000 }, periodically: '2s', when, overlap: 'allow', retries: 0, misfire_grace_time: '10s' });
  for (let i = 0; i < 4; i++) await createJob(survivor.url, { job_id: `kill-tick-${i}`, handler: 'noop', periodically: '1s', when, misfire_grace_time: '10s' });

  const hostLike = `%:${victim.pid}`;
  // Killed while it holds slow runs, but not at the instant it holds a batch of ticks (claimed
  // with the slow runs on even seconds, settled a few ms later): a tick run held by the dead
  // process keeps its job skipping (overlap: skip) until the reaper frees it 15–25 s later, and
  // the ticks' count below is about the schedule carrying on, not about that wait.
  const held = await eventually(async () => {
    const { rows } = await client.query<{ run_id: string; job_id: string; attempt: number }>(
      `select run_id, job_id, attempt from runs where status = 'running' and host like $1 and job_id ~ '^kill-(retry|fail)-'
         and not exists (select 1 from runs t where t.status = 'running' and t.host like $1 and t.job_id like 'kill-tick-%')`,
      [hostLike],
    );
    return rows.length >= 2 ? rows : undefined;
  }, 30_000, 'the victim to hold two running slow runs');
  await victim.kill();
  const killedAt = Date.now();

  // The reaper's silence threshold is 15 s (5 heartbeats, at least 15 s), its pass every 5 s.
  await eventually(async () => {
    const { rows } = await client.query(`select 1 from runs where run_id = any($1) and status = 'running' and attempt = 1`, [held.map((r) => r.run_id)]);
    return rows.length === 0 ? true : undefined;
  }, 45_000, 'the killed instance’s runs to be settled');
  // Retries (1 s delay, 3 s handler) finish on the survivor: wait until every held run is final
  // (bounded), rather than for a fixed time a loaded machine may not keep to.
  await eventually(async () => {
    const { rows } = await client.query(`select 1 from runs where run_id = any($1) and status <> all($2::text[])`, [held.map((r) => r.run_id), FINAL_RUN_STATUSES]);
    return rows.length === 0 ? true : undefined;
  }, 60_000, 'the held runs’ retries to finish');
  for (const prefix of ['kill-retry-', 'kill-fail-', 'kill-tick-']) {
    for (let i = 0; i < 4; i++) await call(`${survivor.url}/jobs/${prefix}${i}?state=paused`, 'PUT');
  }
  await sleep(4000);
  await survivor.stop();

  const { rows: heldNow } = await client.query<{ run_id: string; job_id: string; status: string; attempt: number }>(`select run_id, job_id, status, attempt from runs where run_id = any($1)`, [held.map((r) => r.run_id)]);
  const { rows: lostFailures } = await client.query<{ run_id: string }>(`select run_id from failures where error_name = 'WorkerLost' and run_id = any($1)`, [held.map((r) => r.run_id)]);
  const { rows: running } = await client.query(`select run_id from runs where status = 'running'`);
  const { rows: after_ } = await client.query<{ n: string }>(`select count(*) as n from runs where job_id like 'kill-tick-%' and status = 'succeeded' and scheduled_for > $1`, [new Date(killedAt + 1000)]);
  const { rows: tickStatuses } = await client.query<{ status: string; n: string }>(`select status, count(*) as n from runs where job_id like 'kill-tick-%' and scheduled_for > $1 group by status order by status`, [new Date(killedAt + 1000)]);
  const { rows: tickLate } = await client.query<{ job_id: string; n: string; max_late_ms: string | null }>(`select job_id, count(*) filter (where status = 'succeeded') as n, round(max(extract(epoch from started_at - scheduled_for) * 1000)) as max_late_ms from runs where job_id like 'kill-tick-%' and scheduled_for > $1 group by job_id order by job_id`, [new Date(killedAt + 1000)]);
  const retried = heldNow.filter((r) => r.job_id.startsWith('kill-retry-'));
  const failed = heldNow.filter((r) => r.job_id.startsWith('kill-fail-'));
  report('kill -9', {
    held_by_victim: held.length,
    worker_lost_failures: lostFailures.length,
    retried_and_succeeded: retried.filter((r) => r.status === 'succeeded' && r.attempt >= 2).length,
    of_retry_jobs: retried.length,
    failed_by_policy: failed.filter((r) => r.status === 'failed').length,
    of_no_retry_jobs: failed.length,
    left_running: running.length,
    tick_runs_after_kill: Number(after_[0]!.n),
    tick_statuses_after_kill: tickStatuses.map((r) => `${r.status}:${r.n}`).join(',') || 'none',
    tick_succeeded_and_max_late_ms_per_job: tickLate.map((r) => `${r.n}/${r.max_late_ms ?? '-'}`).join(','),
    held_jobs: held.map((r) => r.job_id).join(','),
    reaped_within_s: ((Date.now() - killedAt) / 1000).toFixed(0),
  });
  assert.equal(lostFailures.length, held.length, 'every held attempt has a WorkerLost failure row');
  for (const r of retried) assert.ok(r.status === 'succeeded' && r.attempt >= 2, `${r.job_id} ${r.run_id}: ${r.status} attempt ${r.attempt}`);
  for (const r of failed) assert.equal(r.status, 'failed', `${r.job_id} ${r.run_id}`);
  assert.equal(running.length, 0, 'runs left running');
  assert.ok(Number(after_[0]!.n) >= 4 * 10, `the schedule carried on (${after_[0]!.n} tick runs after the kill)`);
});
