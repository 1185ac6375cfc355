// Three bosun processes on one PostgreSQL for a while (RELIABILITY_SECONDS, default 60): every
// occurrence of every job is recorded once and executed once; none is lost.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/database.ts';
import { call, createJob, executions, report, runsOf, sleep, sqlClient, startInstance, type Instance } from './cluster.ts';

const SECONDS = Number(process.env.RELIABILITY_SECONDS ?? 60);
const PERIODS = [1, 2, 3];
const JOBS = 24;

test(`three instances, ${SECONDS} s: every occurrence runs exactly once, none lost`, async () => {
  const url = await createTestDatabase('bosun_rel_three');
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) await i.kill();
  });
  for (let i = 0; i < 3; i++) instances.push(await startInstance(url));
  const [first] = instances as [Instance];

  const start = Math.ceil(Date.now() / 1000) * 1000 + 3000;
  const jobs = Array.from({ length: JOBS }, (_, i) => ({ id: `three-${i}`, period: PERIODS[i % PERIODS.length]! }));
  for (const [i, job] of jobs.entries()) {
    // Spread the creating over the instances; a 10 s grace keeps a busy 2-core machine from misfiring.
    await createJob(instances[i % 3]!.url, { job_id: job.id, handler: 'noop', periodically: `${job.period}s`, when: new Date(start + (i % 5) * 200).toISOString(), misfire_grace_time: '10s' });
  }
  await sleep(start - Date.now() + SECONDS * 1000);
  for (const job of jobs) assert.equal((await call(`${first.url}/jobs/${job.id}?state=paused`, 'PUT')).status, 200);
  await sleep(2000);
  for (const i of instances) await i.stop();

  const client = await sqlClient(url);
  after(() => client.end());
  const runs = await runsOf(client, 'three-');
  let expected = 0;
  let lost = 0;
  let duplicateRows = 0;
  for (const job of jobs) {
    const mine = runs.filter((r) => r.job_id === job.id && r.trigger === 'schedule');
    const instants = mine.map((r) => r.scheduled_for.getTime());
    duplicateRows += instants.length - new Set(instants).size;
    const from = Math.min(...instants);
    const to = Math.max(...instants);
    for (let t = from; t <= to; t += job.period * 1000) {
      expected++;
      if (!instants.includes(t)) lost++;
    }
  }
  const duplicateExecutions = [...executions(instances, 'three-').values()].filter((n) => n > 1).length;
  const byStatus = Object.fromEntries(['succeeded', 'misfired', 'skipped', 'failed', 'running', 'scheduled'].map((s) => [s, runs.filter((r) => r.status === s).length]));
  const hosts = new Set(runs.map((r) => r.host)).size;
  report('three instances', { seconds: SECONDS, jobs: JOBS, expected, seen: runs.length, lost, duplicate_rows: duplicateRows, duplicate_executions: duplicateExecutions, hosts, ...byStatus });
  assert.equal(lost, 0, 'occurrences lost');
  assert.equal(duplicateRows, 0, 'an occurrence has two run rows');
  assert.equal(duplicateExecutions, 0, 'an occurrence was executed twice');
  assert.equal(byStatus.running, 0, 'runs left running');
  assert.equal(byStatus.succeeded, runs.length, 'every run succeeded');
  assert.equal(hosts, 3, 'all three instances did work');
  // Roughly SECONDS / period occurrences per job: none silently stopped early.
  assert.ok(expected >= jobs.reduce((n, j) => n + Math.floor(SECONDS / j.period) - 1, 0), `expected ${expected}`);
});
