// Outcomes PostgreSQL cannot hold as they are (src/worker/storable.ts, settle.ts): stored made
// safe on the first try; a write refused for a reason in the data ends the run failed with that
// reason at once, instead of being retried as if the database were down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { engineDatabase, definition } from './engine-fixture.ts';
import { testLogger } from '../../helpers/database.ts';
import type { RunLogLine } from '../../../src/db/schema.ts';
import { getJob, insertJob } from '../../../src/jobs/repository.ts';
import { getRun, insertRun } from '../../../src/runs/repository.ts';
import { settleRunDurably } from '../../../src/worker/settle.ts';
import { createSuccessBatcher } from '../../../src/worker/success-batcher.ts';

const { db, boss } = await engineDatabase();
const deps = { db, boss, host: 'test-host', logger: testLogger };
const schedule = { periodically: '1 hour', when: '2030-01-01T00:00:00Z' };
let hour = 0;

async function runningRun(jobId: string) {
  return insertRun(db, { job_id: jobId, scheduled_for: new Date(Date.UTC(2030, 0, 1, hour++)), trigger: 'manual', status: 'running', host: 'test-host' });
}

// A data exception PostgreSQL raises for any result holding "poison": what storable() cannot foresee.
await sql`
  create function poison() returns trigger language plpgsql as $$
  begin
    if new.result::text like '%poison%' then raise exception 'poisoned result' using errcode = '22023'; end if;
    return new;
  end $$`.execute(db);
await sql`create trigger poison before update on runs for each row execute function poison()`.execute(db);

test('a result or error with NUL or a lone surrogate is stored made safe, with a warn line saying so', async () => {
  await insertJob(db, definition('uo-safe', schedule, { overlap: 'allow' }));
  const job = await getJob(db, 'uo-safe');
  const ok = await runningRun('uo-safe');
  const settled = await settleRunDurably(deps, job, ok, { status: 'succeeded', result: { out: 'a\u0000b', odd: '\ud800', n: 7n } }, [{ at: 'x', level: 'info', msg: 'line\u0000' }]);
  assert.equal(settled.run?.status, 'succeeded');
  const stored = await getRun(db, ok.run_id);
  assert.deepEqual(stored.result, { out: 'a\ufffdb', odd: '\ufffd', n: '7' });
  const log = stored.log as unknown as RunLogLine[];
  assert.equal(log[0]?.msg, 'line\ufffd');
  assert.match(log.at(-1)?.msg ?? '', /^outcome stored made safe: result: NUL characters replaced with U\+FFFD; /);

  const bad = await runningRun('uo-safe');
  const failed = await settleRunDurably(deps, job, bad, { status: 'failed', error: { name: 'Error', message: 'x\u0000y', stack: 'at \ud800' } }, []);
  assert.equal(failed.run?.status, 'failed');
  assert.equal((await getRun(db, bad.run_id)).error, 'Error: x\ufffdy');
  const failure = await db.selectFrom('failures').selectAll().where('run_id', '=', bad.run_id).executeTakeFirstOrThrow();
  assert.deepEqual([failure.message, failure.stack], ['x\ufffdy', 'at \ufffd']);
});

test('a write refused for the data ends the run failed as UnstorableOutcome at once, not retried', async () => {
  await insertJob(db, definition('uo-refused', schedule, { overlap: 'allow', retries: 3 }));
  const job = await getJob(db, 'uo-refused');
  const run = await runningRun('uo-refused');
  const started = Date.now();
  const settled = await settleRunDurably(deps, job, run, { status: 'succeeded', result: 'poison' }, []);
  assert.ok(Date.now() - started < 2000, `settled in ${Date.now() - started} ms`);
  assert.equal(settled.run?.status, 'failed');
  assert.equal(settled.retryAt, null, 'no retry: the same outcome would be refused again');
  const stored = await getRun(db, run.run_id);
  assert.match(stored.error ?? '', /^UnstorableOutcome: the database refused the outcome: poisoned result \(SQLSTATE 22023\)$/);
  const failure = await db.selectFrom('failures').selectAll().where('run_id', '=', run.run_id).executeTakeFirstOrThrow();
  assert.equal(failure.error_name, 'UnstorableOutcome');
});

test('one refused success does not sink the batch it was written with', async () => {
  await insertJob(db, definition('uo-batch', schedule, { overlap: 'allow' }));
  const job = await getJob(db, 'uo-batch');
  const runs = await Promise.all([0, 1, 2, 3].map(() => runningRun('uo-batch')));
  const batcher = createSuccessBatcher(deps, 10);
  const stored = await Promise.all(runs.map((run, i) => batcher.settle(job, { run, result: i === 2 ? 'poison' : { i }, log: [] })));
  assert.deepEqual(stored.map((r) => r?.status), ['succeeded', 'succeeded', 'failed', 'succeeded']);
  assert.match((await getRun(db, runs[2]!.run_id)).error ?? '', /^UnstorableOutcome: /);
  assert.deepEqual((await getRun(db, runs[3]!.run_id)).result, { i: 3 });
});
