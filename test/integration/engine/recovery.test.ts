import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { testLogger } from '../../helpers/database.ts';
import { isAlive, spawnLogged } from '../../helpers/process.ts';
import { startEngine, type Engine, type EngineOptions } from '../../../src/scheduler/engine.ts';
import { definition, engineDatabase, eventually, registryOf, sleep, testBoss } from './engine-fixture.ts';
import { ALL_TEST_HANDLERS, calls } from './test-handlers.ts';

const { db, boss, url } = await engineDatabase();
const engines: Engine[] = [];
after(async () => {
  for (const e of engines) await e.stop();
});

async function engine(overrides: Partial<EngineOptions> = {}, ownBoss = boss): Promise<Engine> {
  const started = await startEngine({
    db, boss: ownBoss, logger: testLogger, host: `test:${engines.length}`, scheduler: true, worker: true, concurrency: 6,
    handlers: registryOf(...ALL_TEST_HANDLERS), retentionMs: 86_400_000, shutdownTimeoutMs: 500,
    heartbeatMs: 300, silentAfterMs: 2000, reaperIntervalMs: 300, ...overrides,
  });
  engines.push(started);
  return started;
}
const runsOf = (jobId: string) => db.selectFrom('runs').selectAll().where('job_id', '=', jobId).orderBy('scheduled_for').execute();
const second = (at: number) => Math.floor(at / 1000) * 1000;

test('exactly once: three instances, many occurrences, no duplicate and no lost run', async () => {
  const instances = [await engine(), await engine({}, await testBoss(url)), await engine({}, await testBoss(url))];
  const start = second(Date.now()) + 2000;
  const jobs = Array.from({ length: 12 }, (_, i) => `eo-${i}`);
  for (const [i, id] of jobs.entries()) await instances[i % 3]!.commands.create(definition(id, { periodically: '1s', when: new Date(start).toISOString() }));
  await sleep(start - Date.now() + 5500);
  for (const id of jobs) await instances[0]!.commands.setState(id, 'paused');
  await sleep(300);
  let total = 0;
  for (const id of jobs) {
    const seen = calls.filter((c) => c.jobId === id).map((c) => c.scheduledFor.getTime());
    assert.equal(new Set(seen).size, seen.length, `${id}: an occurrence ran twice`);
    const runs = await runsOf(id);
    const instants = runs.map((r) => r.scheduled_for.getTime());
    // Every second from the first to the last occurrence has exactly one run: none lost.
    for (let t = instants[0]!; t <= instants.at(-1)!; t += 1000) assert.ok(instants.includes(t), `${id}: occurrence ${new Date(t).toISOString()} lost`);
    assert.ok(runs.every((r) => r.status === 'succeeded'), `${id}: ${runs.map((r) => r.status).join(',')}`);
    assert.ok(runs.length >= 5, `${id}: only ${runs.length} runs`);
    total += runs.length;
  }
  const hosts = new Set((await db.selectFrom('runs').select('host').where('job_id', 'like', 'eo-%').execute()).map((r) => r.host));
  assert.ok(hosts.size >= 2, 'the work was shared between instances');
  assert.ok(total >= 60);
  for (const e of instances) await e.stop();
});

test('after an outage only the latest due occurrence runs; the grace time is honoured', async () => {
  const anchor = second(Date.now()) + 1000;
  const first = await engine();
  await first.commands.create(definition('out-1', { periodically: '1s', when: new Date(anchor).toISOString(), misfire_grace_time: '1s' }));
  // Due every 3 s; the restart lands 1.5 s after one of them: past its 1 s grace.
  await first.commands.create(definition('out-3', { periodically: '3s', when: new Date(anchor).toISOString(), misfire_grace_time: '1s' }));
  await sleep(anchor - Date.now() + 1500);
  await first.stop();
  const down = Date.now();
  await sleep(anchor + 9000 + 1500 - Date.now());
  const second_ = await engine();
  await sleep(1800);
  await second_.commands.setState('out-1', 'paused');
  await second_.commands.setState('out-3', 'paused');

  const during = (await runsOf('out-1')).filter((r) => r.scheduled_for.getTime() > down);
  const misfired = during.filter((r) => r.status === 'misfired');
  // 8 occurrences fell due while nobody ran: one misfired row stands for the backlog.
  assert.equal(misfired.length, 1, during.map((r) => `${r.scheduled_for.toISOString()} ${r.status}`).join('; '));
  assert.match(misfired[0]!.error ?? '', /later occurrences came due/);
  assert.ok(during.filter((r) => r.status === 'succeeded').length <= 3, 'no flood of runs after the restart');
  assert.ok(during.length <= 4);

  const three = (await runsOf('out-3')).filter((r) => r.scheduled_for.getTime() > down);
  const latest = three.find((r) => r.scheduled_for.getTime() === anchor + 9000);
  assert.equal(latest?.status, 'misfired', three.map((r) => `${r.scheduled_for.toISOString()} ${r.status}`).join('; '));
  assert.match(latest!.error ?? '', /late, past misfire_grace_time/);
  await second_.stop();
});

test('pausing the service holds every occurrence; resuming coalesces them', async () => {
  const e = await engine();
  await e.commands.create(definition('sp-1', { periodically: '1s', misfire_grace_time: '1s' }));
  await sleep(1500);
  await e.commands.setServiceState('paused');
  await sleep(1200);
  const pausedAt = Date.now();
  const before = (await runsOf('sp-1')).length;
  await sleep(3000);
  assert.equal((await runsOf('sp-1')).filter((r) => r.created_at.getTime() > pausedAt).length, 0, 'nothing ran while paused');
  await e.commands.setServiceState('running');
  await sleep(2000);
  await e.commands.setState('sp-1', 'paused');
  const after = (await runsOf('sp-1')).slice(before);
  assert.ok(after.filter((r) => r.status === 'misfired').length <= 1, after.map((r) => r.status).join(','));
  assert.ok(after.filter((r) => r.status === 'succeeded').length >= 1);
  assert.ok(after.length <= 5, `no flood: ${after.length}`);
  await e.stop();
});

test('pausing a job stops it; resuming plans the next occurrence from now', async () => {
  const e = await engine();
  await e.commands.create(definition('jp-1', { periodically: '1s' }));
  await sleep(1500);
  await e.commands.setState('jp-1', 'paused');
  const count = (await runsOf('jp-1')).length;
  await sleep(2000);
  assert.equal((await runsOf('jp-1')).length, count);
  const resumed = await e.commands.setState('jp-1', 'running');
  assert.ok(resumed.next_run_at!.getTime() >= Date.now() - 1000 && resumed.next_run_at!.getTime() <= Date.now() + 1000);
  await sleep(1600);
  await e.commands.setState('jp-1', 'paused');
  assert.ok((await runsOf('jp-1')).length > count);
  await e.stop();
});

test('kill -9 of the worker mid-run: the run is retried elsewhere, or failed when out of retries', async (t) => {
  const e = await engine({ worker: false });
  const fixture = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
  const child = spawnLogged(process.execPath, [fixture], { ...process.env, DATABASE_URL: url });
  // Whatever fails before the kill, the fixture process must not outlive the test.
  t.after(() => {
    if (isAlive(child.child.pid!)) process.kill(child.child.pid!, 'SIGKILL');
  });
  await child.waitForLine((l) => l.msg === 'fixture worker ready', 30_000);
  await e.commands.create(definition('k-retry', { when: new Date().toISOString() }, { handler: 'test-slow-first', retries: 1 }));
  await e.commands.create(definition('k-fail', { when: new Date().toISOString() }, { handler: 'test-slow-first', retries: 0 }));
  await eventually(async () => ((await db.selectFrom('runs').select('run_id').where('status', '=', 'running').where('host', 'like', 'child:%').execute()).length === 2 ? true : undefined), 10_000, 'both runs to start in the child');
  process.kill(child.child.pid!, 'SIGKILL');
  await child.exited;
  assert.equal(isAlive(child.child.pid!), false);
  // The surviving instance's worker takes the retry.
  const survivor = await engine({ scheduler: false });
  const retried = await eventually(async () => (await runsOf('k-retry')).find((r) => r.status === 'succeeded'), 15_000, 'the retry to succeed');
  assert.equal(retried.attempt, 2);
  assert.match(retried.host ?? '', /^test:/);
  const failed = await eventually(async () => (await runsOf('k-fail')).find((r) => r.status === 'failed'), 15_000, 'the run to fail');
  assert.match(failed.error ?? '', /WorkerLost/);
  const lost = await db.selectFrom('failures').selectAll().where('job_id', 'in', ['k-retry', 'k-fail']).execute();
  assert.equal(lost.length, 2);
  assert.ok(lost.every((f) => f.error_name === 'WorkerLost' && f.attempt === 1 && /^child:/.test(f.host ?? '')));
  assert.equal((await db.selectFrom('runs').select('run_id').where('status', '=', 'running').execute()).length, 0);
  await survivor.stop();
  await e.stop();
});
