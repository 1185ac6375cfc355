// Succeeded attempts settled several per transaction (src/worker/settle.ts settleSucceeded and
// src/worker/success-batcher.ts): each run only while it is still that running attempt, the
// jobs' last outcome, and one hand-over per job to an occurrence queued behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { engineDatabase, definition } from './engine-fixture.ts';
import { testLogger } from '../../helpers/database.ts';
import { getJob, insertJob } from '../../../src/jobs/repository.ts';
import { endUnfinishedRun, getRun, insertRun } from '../../../src/runs/repository.ts';
import { settleSucceeded } from '../../../src/worker/settle.ts';
import { createSuccessBatcher } from '../../../src/worker/success-batcher.ts';
import { FIRE_QUEUE } from '../../../src/scheduler/fire-queue.ts';

const { db, boss } = await engineDatabase();
const deps = { db, boss, host: 'test-host', logger: testLogger };
const schedule = { periodically: '1 hour', when: '2030-01-01T00:00:00Z' };

async function running(jobId: string, scheduledFor: Date) {
  return insertRun(db, { job_id: jobId, scheduled_for: scheduledFor, trigger: 'manual', status: 'running', host: 'test-host' });
}

test('a batch stores every running attempt, leaves a cancelled one alone, and records the latest outcome per job', async () => {
  await insertJob(db, definition('sb-a', schedule));
  await insertJob(db, definition('sb-b', schedule));
  const a1 = await running('sb-a', new Date('2030-01-01T00:00:00Z'));
  await new Promise((r) => setTimeout(r, 20));
  const a2 = await db.transaction().execute((trx) => insertRun(trx, { job_id: 'sb-a', scheduled_for: new Date('2030-01-01T01:00:00Z'), trigger: 'manual', status: 'running', host: 'test-host' }));
  const b1 = await running('sb-b', new Date('2030-01-01T00:00:00Z'));
  const gone = await running('sb-b', new Date('2030-01-01T02:00:00Z'));
  await endUnfinishedRun(db, gone.run_id, 'cancelled', 'cancelled by a test');

  const stored = await settleSucceeded(deps, [
    { run: a1, result: { n: 1 }, log: [] },
    { run: gone, result: { n: 0 }, log: [] },
    { run: a2, result: null, log: [{ at: new Date().toISOString(), level: 'info', msg: 'x' }] as never },
    { run: b1, result: undefined, log: [] },
  ]);
  assert.deepEqual(stored.map((r) => r?.status), ['succeeded', undefined, 'succeeded', 'succeeded']);
  assert.deepEqual((await getRun(db, a1.run_id)).result, { n: 1 });
  assert.equal(JSON.stringify((await getRun(db, a2.run_id)).log).includes('"msg":"x"'), true);
  assert.equal((await getRun(db, b1.run_id)).result, null);
  assert.equal((await getRun(db, gone.run_id)).status, 'cancelled');
  const jobA = await db.selectFrom('jobs').selectAll().where('job_id', '=', 'sb-a').executeTakeFirstOrThrow();
  assert.equal(jobA.last_run_status, 'succeeded');
  assert.equal(jobA.last_run_at?.getTime(), (await getRun(db, a2.run_id)).started_at?.getTime());

  // Settling the same attempt again writes nothing.
  assert.deepEqual(await settleSucceeded(deps, [{ run: a1, result: { n: 2 }, log: [] }]), [undefined]);
  assert.deepEqual((await getRun(db, a1.run_id)).result, { n: 1 });
});

test('two runs of a queue job ending together hand the turn to the queued occurrence once', async () => {
  await insertJob(db, definition('sb-q', schedule, { overlap: 'queue' }));
  const r1 = await running('sb-q', new Date('2030-01-01T00:00:00Z'));
  const r2 = await running('sb-q', new Date('2030-01-01T00:30:00Z'));
  const queued = await insertRun(db, { job_id: 'sb-q', scheduled_for: new Date('2030-01-01T01:00:00Z'), trigger: 'schedule', status: 'scheduled' });
  await settleSucceeded(deps, [
    { run: r1, result: 1, log: [] },
    { run: r2, result: 2, log: [] },
  ]);
  const { rows } = await sql<{ n: string }>`select count(*) as n from pgboss.job where name = ${FIRE_QUEUE} and data->>'run_id' = ${queued.run_id}`.execute(db);
  assert.equal(Number(rows[0]?.n), 1);
});

test('the batcher stores every success of runs ending together, in batches of at most maxBatch', async () => {
  await insertJob(db, definition('sb-c', schedule, { overlap: 'allow' }));
  const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => running('sb-c', new Date(Date.UTC(2030, 0, 1, i)))));
  const batcher = createSuccessBatcher(deps, 4);
  const job = await getJob(db, 'sb-c');
  const stored = await Promise.all(runs.map((run, i) => batcher.settle(job, { run, result: { i }, log: [] })));
  assert.deepEqual(stored.map((r) => r?.status), Array(8).fill('succeeded'));
  for (const [i, run] of runs.entries()) assert.deepEqual((await getRun(db, run.run_id)).result, { i });
});
