import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { testLogger } from '../../helpers/database.ts';
import { startEngine } from '../../../src/scheduler/engine.ts';
import { definition, engineDatabase, eventually, registryOf, sleep } from './engine-fixture.ts';
import { ALL_TEST_HANDLERS, calls } from './test-handlers.ts';

const { db, boss } = await engineDatabase();
const engine = await startEngine({
  db, boss, logger: testLogger, host: 'test-host', scheduler: true, worker: true, concurrency: 6,
  handlers: registryOf(...ALL_TEST_HANDLERS), retentionMs: 86_400_000, shutdownTimeoutMs: 1000,
  heartbeatMs: 300, silentAfterMs: 3000, reaperIntervalMs: 500,
});
after(() => engine.stop());
const { commands } = engine;

const runsOf = (jobId: string) => db.selectFrom('runs').selectAll().where('job_id', '=', jobId).orderBy('scheduled_for').orderBy('created_at').execute();
const failuresOf = (jobId: string) => db.selectFrom('failures').selectAll().where('job_id', '=', jobId).orderBy('failed_at').execute();
const nextSecond = (plus = 1) => new Date((Math.floor(Date.now() / 1000) + plus) * 1000);

test('a periodic job fires on each occurrence, on time, and records result and log', async () => {
  const when = nextSecond(1);
  await commands.create(definition('f-every', { periodically: '1s', when: when.toISOString(), misfire_grace_time: '10s' }));
  await sleep(when.getTime() - Date.now() + 3300);
  await commands.setState('f-every', 'paused');
  // The last occurrence may have started just before the pause: let it finish and be recorded.
  const runs = await eventually(async () => {
    const all = await runsOf('f-every');
    return all.every((r) => r.status !== 'running') ? all : undefined;
  }, 10_000, 'the last run to be recorded');
  assert.ok(runs.length >= 3 && runs.length <= 5, `expected 3–5 runs, got ${runs.length}`);
  for (const run of runs) {
    assert.equal(run.status, 'succeeded');
    assert.equal(run.trigger, 'schedule');
    assert.deepEqual(run.result, { ok: true });
    assert.equal((run.log as unknown as Array<{ msg: string }>)[0]?.msg, 'hello from the handler');
    const late = run.started_at!.getTime() - run.scheduled_for.getTime();
    // Precision is measured by bench/firing-precision.ts; here only that the wake timer,
    // not the 2 s polling, started the run (with room for a loaded CI machine).
    assert.ok(late >= 0 && late < 1000, `run started ${late} ms late`);
  }
  const job = await db.selectFrom('jobs').selectAll().where('job_id', '=', 'f-every').executeTakeFirstOrThrow();
  assert.equal(job.run_count, runs.length);
  assert.equal(job.last_run_status, 'succeeded');
});

test('retries with backoff: each failed attempt writes a failure row; the last attempt succeeds', async () => {
  const t0 = Date.now();
  await commands.create(definition('f-retry', { when: new Date().toISOString() }, { handler: 'test-flaky', kwargs: { succeedOn: 3 }, retries: 3, retry_delay_ms: 200, retry_backoff: 2 }));
  const run = await eventually(async () => (await runsOf('f-retry')).find((r) => r.status === 'succeeded'), 10_000, 'the retried run to succeed');
  assert.equal(run.attempt, 3);
  const failures = await failuresOf('f-retry');
  assert.deepEqual(failures.map((f) => [f.attempt, f.error_name, f.run_id]), [[1, 'RangeError', run.run_id], [2, 'RangeError', run.run_id]]);
  assert.match(failures[0]!.message, /attempt 1 failed on purpose/);
  assert.ok(failures[0]!.stack?.includes('TestFlaky'));
  const attempts = calls.filter((c) => c.jobId === 'f-retry');
  assert.equal(attempts.length, 3);
  // Backoff with equal jitter: retry 1 waits 100–200 ms, retry 2 waits 200–400 ms.
  const gap1 = attempts[1]!.startedAt - attempts[0]!.startedAt;
  const gap2 = attempts[2]!.startedAt - attempts[1]!.startedAt;
  assert.ok(gap1 >= 90 && gap1 < 1500, `first retry after ${gap1} ms`);
  assert.ok(gap2 >= 190 && gap2 < 2000, `second retry after ${gap2} ms`);
  assert.ok(Date.now() - t0 < 10_000);
});

test('retries exhausted: the run fails, with one failure row per attempt', async () => {
  await commands.create(definition('f-fail', { when: new Date().toISOString() }, { handler: 'test-flaky', retries: 1, retry_delay_ms: 50 }));
  const run = await eventually(async () => (await runsOf('f-fail')).find((r) => r.status === 'failed'), 10_000, 'the run to fail');
  assert.equal(run.attempt, 2);
  assert.match(run.error ?? '', /RangeError: attempt 2 failed/);
  assert.equal((await failuresOf('f-fail')).length, 2);
  const job = await db.selectFrom('jobs').selectAll().where('job_id', '=', 'f-fail').executeTakeFirstOrThrow();
  assert.equal(job.last_run_status, 'failed');
  assert.equal(job.state, 'finished');
});

test('a handler that ignores its signal is timed out on time and frees its slot', async () => {
  await commands.create(definition('f-stubborn', { when: new Date().toISOString() }, { handler: 'test-stubborn', timeout_ms: 400 }));
  const run = await eventually(async () => (await runsOf('f-stubborn')).find((r) => r.status === 'timed_out'), 10_000, 'the timeout');
  const took = run.finished_at!.getTime() - run.started_at!.getTime();
  assert.ok(took >= 390 && took < 2500, `timed out after ${took} ms`);
  const [failure] = await failuresOf('f-stubborn');
  assert.equal(failure?.error_name, 'TimeoutError');
  assert.equal(engine.worker!.inFlight(), 0);
});

test('overlap skip records skipped occurrences; allow runs them side by side; queue runs them one after another', async () => {
  const when = nextSecond(1).toISOString();
  await commands.create(definition('o-skip', { periodically: '1s', when }, { handler: 'test-sleep', kwargs: { ms: 2300 }, overlap: 'skip' }));
  await commands.create(definition('o-allow', { periodically: '1s', when }, { handler: 'test-sleep', kwargs: { ms: 2300 }, overlap: 'allow' }));
  await commands.create(definition('o-queue', { periodically: '1s', when, max_runs: 3 }, { handler: 'test-sleep', kwargs: { ms: 1400 }, overlap: 'queue' }));
  await sleep(new Date(when).getTime() - Date.now() + 3500);
  await commands.setState('o-skip', 'paused');
  await commands.setState('o-allow', 'paused');
  const skip = await runsOf('o-skip');
  assert.ok(skip.filter((r) => r.status === 'skipped').length >= 2, `skip: ${skip.map((r) => r.status).join(',')}`);
  assert.ok(skip.filter((r) => r.status !== 'skipped').length <= 2);
  const allow = await runsOf('o-allow');
  assert.equal(allow.filter((r) => r.status === 'skipped').length, 0);
  const overlapping = allow.filter((a) => allow.some((b) => b !== a && b.started_at! < a.started_at! && (b.finished_at ?? new Date(8e15)) > a.started_at!));
  assert.ok(overlapping.length >= 1, 'allow: runs overlap');
  let seen = '';
  const queued = await eventually(async () => {
    const all = await runsOf('o-queue');
    seen = all.map((r) => `${r.status}@${r.started_at?.toISOString()}`).join(', ');
    // On a loaded machine an occurrence may come more than its 1 s grace late: misfired, legitimately.
    const runs = all.filter((r) => r.status !== 'misfired');
    return runs.length === 3 && runs.every((r) => r.status === 'succeeded') ? runs : undefined;
  }, 25_000, 'the queued runs').catch((err: Error) => {
    throw new Error(`${err.message}; runs: ${seen}`);
  });
  for (let i = 1; i < queued.length; i++) assert.ok(queued[i]!.started_at! >= queued[i - 1]!.finished_at!, 'queue: one after another');
});

test('run now adds a manual run and leaves the schedule alone; cancel aborts a running handler', async () => {
  const job = await commands.create(definition('m-1', { periodically: '1 hour', when: '2031-01-01T00:00:00Z' }, { handler: 'test-sleep', kwargs: { ms: 5000 } }));
  const run = await commands.runNow('m-1');
  await eventually(async () => ((await runsOf('m-1'))[0]?.status === 'running' ? true : undefined), 5000, 'the manual run to start');
  const cancelled = await commands.cancelRun(run.run_id);
  assert.equal(cancelled.status, 'cancelled');
  await eventually(async () => (engine.worker!.inFlight() === 0 ? true : undefined), 3000, 'the handler to be aborted');
  const after = await db.selectFrom('jobs').selectAll().where('job_id', '=', 'm-1').executeTakeFirstOrThrow();
  assert.equal(after.next_run_at?.getTime(), job.next_run_at?.getTime());
  assert.equal((await runsOf('m-1'))[0]?.trigger, 'manual');
  assert.equal((await failuresOf('m-1')).length, 0);
});

test('max_runs ends the job after that many runs', async () => {
  await commands.create(definition('x-max', { periodically: '1s', max_runs: 3 }));
  const job = await eventually(async () => {
    const j = await db.selectFrom('jobs').selectAll().where('job_id', '=', 'x-max').executeTakeFirstOrThrow();
    return j.state === 'finished' ? j : undefined;
  }, 8000, 'the job to finish');
  await sleep(1200);
  assert.equal(job.run_count, 3);
  assert.equal(job.next_run_at, null);
  assert.equal((await runsOf('x-max')).length, 3);
});
