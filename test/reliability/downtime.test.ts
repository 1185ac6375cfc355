// Everything stopped for longer than some jobs' misfire grace and shorter than others': on
// restart exactly the right ones run, once, with a backlog coalesced into one run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/database.ts';
import { call, createJob, eventually, executions, report, runsOf, sleep, sqlClient, startInstance, type Instance } from './cluster.ts';

const DOWN_MS = 8000;

test('downtime: within grace runs once (coalesced), past grace is misfired', async () => {
  const url = await createTestDatabase('bosun_rel_down');
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) await i.kill();
  });
  instances.push(await startInstance(url));
  const client = await sqlClient(url);
  after(() => client.end());
  const start = Math.ceil(Date.now() / 1000) * 1000 + 2000;
  const downAt = start + 3500;
  const dueInDowntime = new Date(downAt + 2000).toISOString();
  const api = instances[0]!.url;
  await createJob(api, { job_id: 'dt-every-long', handler: 'noop', periodically: '1s', when: new Date(start).toISOString(), misfire_grace_time: '60s' });
  await createJob(api, { job_id: 'dt-every-short', handler: 'noop', periodically: '1s', when: new Date(start).toISOString(), misfire_grace_time: '1s' });
  await createJob(api, { job_id: 'dt-once-long', handler: 'noop', when: dueInDowntime, misfire_grace_time: '60s' });
  await createJob(api, { job_id: 'dt-once-short', handler: 'noop', when: dueInDowntime, misfire_grace_time: '1s' });

  await sleep(downAt - Date.now());
  await instances[0]!.stop();
  const down = Date.now();
  await sleep(DOWN_MS);
  const restarted = await startInstance(url);
  instances.push(restarted);
  // The worker starts fetching before the API listens: the backlog ends when it started.
  const workerStarted = restarted.proc.lines.find((l) => l.msg === 'worker started');
  const up = workerStarted ? new Date(String(workerStarted.time)).getTime() : Date.now();
  // Both periodic jobs run again (two runs each after the restart), waited for with a deadline
  // rather than for a fixed time a loaded machine may not keep to.
  await eventually(async () => {
    const { rows } = await client.query<{ job_id: string; n: string }>(
      `select job_id, count(*) as n from runs where job_id in ('dt-every-long', 'dt-every-short') and status = 'succeeded' and scheduled_for > $1 group by job_id`,
      [new Date(up)],
    );
    return rows.length === 2 && rows.every((r) => Number(r.n) >= 2) ? true : undefined;
  }, 30_000, 'both periodic jobs to run twice after the restart');
  for (const id of ['dt-every-long', 'dt-every-short']) await call(`${restarted.url}/jobs/${id}?state=paused`, 'PUT');
  await sleep(1000);
  await restarted.stop();

  const runs = await runsOf(client, 'dt-');
  const of = (id: string) => runs.filter((r) => r.job_id === id);
  // Occurrences due while nothing ran (after the last one the stopped instance could take).
  const inGap = (id: string) => of(id).filter((r) => r.scheduled_for.getTime() > down && r.scheduled_for.getTime() < up - 1500);
  const longGap = inGap('dt-every-long');
  const shortGap = inGap('dt-every-short');
  const onceLong = of('dt-once-long');
  const onceShort = of('dt-once-short');
  const execs = executions(instances, 'dt-');
  const duplicates = [...execs.values()].filter((n) => n > 1).length;
  report('downtime', {
    down_s: ((up - down) / 1000).toFixed(1),
    long_grace_rows_before_restart: longGap.length,
    long_grace_ran_in_gap: longGap.filter((r) => r.status === 'succeeded').length,
    short_grace_ran_in_gap: shortGap.filter((r) => r.status === 'succeeded').length,
    short_grace_misfired: of('dt-every-short').filter((r) => r.status === 'misfired').length,
    once_long: onceLong.map((r) => r.status).join('+'),
    once_short: onceShort.map((r) => r.status).join('+'),
    duplicate_executions: duplicates,
  });
  // The 60 s grace job: its backlog is one misfired row (the occurrence first fetched) and one
  // run standing for the rest (the latest due when the restarted worker claimed it); nothing between.
  const afterDown = of('dt-every-long').filter((r) => r.scheduled_for.getTime() > down);
  const describe = afterDown.map((r) => `${r.scheduled_for.toISOString()} ${r.status}`).join('; ');
  assert.equal(afterDown[0]?.status, 'misfired', describe);
  assert.match(afterDown[0]!.error ?? '', /later occurrences came due/);
  assert.equal(afterDown[1]?.status, 'succeeded', describe);
  assert.ok(afterDown[1]!.scheduled_for.getTime() >= up - 1500, `the backlog's run stands for its latest occurrence: ${describe}`);
  assert.ok(afterDown[1]!.scheduled_for.getTime() - afterDown[0]!.scheduled_for.getTime() > 3000, `the occurrences between were dropped: ${describe}`);
  // The 1 s grace job: nothing due well before the restart ran.
  assert.equal(shortGap.filter((r) => r.status === 'succeeded').length, 0, shortGap.map((r) => `${r.scheduled_for.toISOString()} ${r.status}`).join('; '));
  assert.ok(of('dt-every-short').some((r) => r.status === 'misfired'), 'the short-grace backlog is recorded as misfired');
  assert.deepEqual(onceLong.map((r) => r.status), ['succeeded'], 'one-shot within grace runs once');
  assert.deepEqual(onceShort.map((r) => r.status), ['misfired'], 'one-shot past grace is misfired, not run');
  assert.equal(execs.get(`dt-once-short ${dueInDowntime}`) ?? 0, 0);
  assert.equal(duplicates, 0);
  // Both periodic jobs carry on after the restart.
  for (const id of ['dt-every-long', 'dt-every-short']) assert.ok(of(id).filter((r) => r.scheduled_for.getTime() > up && r.status === 'succeeded').length >= 2, `${id} carried on`);
});
