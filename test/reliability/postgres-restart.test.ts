// PostgreSQL restarted under load: a dedicated embedded server is stopped for a few seconds and
// started again. The instances reconnect by themselves, readiness goes red then green, and no
// occurrence is lost beyond what misfire grace says (a backlog within grace is coalesced into
// one run; nothing is silently missing outside the outage).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedServer } from '../../src/db/embedded-postgres.ts';
import { isAlive } from '../helpers/process.ts';
import { call, createJob, endClient, executions, report, runsOf, sleep, sqlClient, startInstance, watchReadiness, type Instance } from './cluster.ts';
import { pickPort, startPostgres, stopPostgres, waitPortFree } from './restartable-postgres.ts';

const OUTAGE_MS = 6000;
// How long the scenario watches after the server is back (the reaper refires an overdue occurrence after 60 s).
const AFTER_MS = Number(process.env.RELIABILITY_PG_AFTER_S ?? 20) * 1000;

test('Postgres restart under load: reconnect, readiness red then green, nothing lost beyond grace', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-rel-pg-'));
  const port = await pickPort();
  let server: EmbeddedServer = await startPostgres(dataDir, port);
  assert.equal(server.port, port);
  const instances: Instance[] = [];
  let readiness: ReturnType<typeof watchReadiness> | undefined;
  let cleaningUp = false;
  // Whatever failed or timed out, nothing of the scenario may keep the test file's process alive:
  // a readiness loop or a server left running would leave the whole run waiting forever.
  after(async () => {
    cleaningUp = true;
    const failures: unknown[] = [];
    const step = (p: Promise<unknown>) => p.catch((err: unknown) => failures.push(err));
    if (readiness) await step(readiness.stop());
    for (const i of instances) await step(i.kill());
    await step(stopPostgres(server, dataDir));
    await rm(dataDir, { recursive: true, force: true });
    if (failures.length) throw new AggregateError(failures, 'cleaning up the Postgres restart scenario');
  });
  const admin = await sqlClient(server.url);
  await admin.query('create database bosun_rel_pg');
  await endClient(admin);
  const url = server.url.replace(/\/postgres$/, '/bosun_rel_pg');

  for (let i = 0; i < 2; i++) instances.push(await startInstance(url));
  const start = Math.ceil(Date.now() / 1000) * 1000 + 2000;
  for (let i = 0; i < 6; i++) {
    await createJob(instances[i % 2]!.url, { job_id: `pgr-long-${i}`, handler: 'noop', periodically: '1s', when: new Date(start).toISOString(), misfire_grace_time: '60s' });
    await createJob(instances[i % 2]!.url, { job_id: `pgr-short-${i}`, handler: 'noop', periodically: '1s', when: new Date(start).toISOString(), misfire_grace_time: '1s' });
  }

  // Readiness of every instance, every 250 ms, for the whole scenario.
  readiness = watchReadiness(instances, 250);

  await sleep(start - Date.now() + 5000);
  await stopPostgres(server, dataDir);
  const down = Date.now();
  await sleep(OUTAGE_MS);
  await waitPortFree(port, 10_000);
  server = await startPostgres(dataDir, port);
  const up = Date.now();
  // The test timed out and after() already ran while the server was starting: stop it here.
  if (cleaningUp) await stopPostgres(server, dataDir);
  assert.equal(server.port, port, 'the server came back on its port');
  await sleep(AFTER_MS);
  await readiness.stop();
  const died = instances.filter((i) => !isAlive(i.pid));
  const alive = instances.length - died.length;
  const anyAlive = instances.find((i) => isAlive(i.pid));
  if (anyAlive) for (let i = 0; i < 6; i++) for (const kind of ['long', 'short']) await call(`${anyAlive.url}/jobs/pgr-${kind}-${i}?state=paused`, 'PUT');
  await sleep(1500);
  for (const i of instances) await i.stop();

  const client = await sqlClient(url);
  after(() => endClient(client));
  const runs = await runsOf(client, 'pgr-');
  let lostOutside = 0;
  let coalescedAway = 0;
  let carriedOn = 0;
  for (const kind of ['long', 'short']) {
    for (let i = 0; i < 6; i++) {
      const mine = runs.filter((r) => r.job_id === `pgr-${kind}-${i}`);
      const instants = new Set(mine.map((r) => r.scheduled_for.getTime()));
      const last = Math.max(...instants);
      for (let t = start; t <= last; t += 1000) {
        if (instants.has(t)) continue;
        // Missing occurrences are allowed only around the outage, where the backlog is coalesced.
        if (t > down - 2000 && t < up + 10_000) coalescedAway++;
        else lostOutside++;
      }
      if (mine.some((r) => r.scheduled_for.getTime() > up + AFTER_MS / 2 && r.status === 'succeeded')) carriedOn++;
    }
  }
  // From a second before the stop: the occurrence pending when the server went away (its claim cut
  // off) is the backlog's first instant, and may be due just before the stop.
  const longInOutage = runs.filter((r) => r.job_id.startsWith('pgr-long-') && r.scheduled_for.getTime() > down - 1000 && r.scheduled_for.getTime() < up);
  const duplicates = [...executions(instances, 'pgr-').values()].filter((n) => n > 1).length;
  const redThenGreen = readiness.samples.map((rs) => rs.some((r) => !r.ok && r.at > down && r.at < up) && rs.slice(-4).every((r) => r.ok));
  const reconnectS = readiness.samples.map((rs) => {
    const green = rs.find((r) => r.ok && r.at > up);
    return green ? ((green.at - up) / 1000).toFixed(1) : 'never';
  });
  const firstAfter = runs.filter((r) => r.scheduled_for.getTime() > up && r.status === 'succeeded').map((r) => r.scheduled_for.getTime());
  report('Postgres restart', {
    first_run_after_restart_s: firstAfter.length ? ((Math.min(...firstAfter) - up) / 1000).toFixed(1) : 'none',
    outage_s: ((up - down) / 1000).toFixed(1),
    instances_alive: alive,
    red_then_green: redThenGreen.filter(Boolean).length,
    green_after_s: reconnectS.join('/'),
    runs: runs.length,
    missing_outside_outage: lostOutside,
    coalesced_in_outage: coalescedAway,
    long_grace_rows_in_outage: longInOutage.length,
    jobs_carried_on: `${carriedOn}/12`,
    left_running: runs.filter((r) => r.status === 'running').length,
    duplicate_executions: duplicates,
  });
  // Only those that died during the scenario: by now every instance has been stopped.
  for (const i of died) console.log(`[reliability] Postgres restart: instance ${i.pid} exited; its last lines:\n${i.tail(25)}`);
  assert.equal(alive, 2, 'both instances survived the outage');
  assert.deepEqual(redThenGreen, [true, true], 'readiness went red during the outage and green after');
  assert.equal(lostOutside, 0, 'occurrences lost outside the outage');
  assert.equal(carriedOn, 12, 'every job runs again after the restart');
  assert.equal(duplicates, 0);
  assert.equal(runs.filter((r) => r.status === 'running').length, 0);
  // Within a 60 s grace, the outage's backlog is recorded: at least one row per job stands for it.
  for (let i = 0; i < 6; i++) assert.ok(longInOutage.some((r) => r.job_id === `pgr-long-${i}`), `pgr-long-${i}: its outage backlog has a row`);
});
