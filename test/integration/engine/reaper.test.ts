// The reaper's recovery of an occurrence whose message was taken by a process that then died
// (or lost the database) before claiming it, and its stop() with a pass in flight.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { migratedDatabase, testLogger } from '../../helpers/database.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { startEngine } from '../../../src/scheduler/engine.ts';
import { FIRE_QUEUE } from '../../../src/scheduler/fire-queue.ts';
import { startReaper } from '../../../src/scheduler/reaper.ts';
import { definition, engineDatabase, eventually, registryOf, sleep } from './engine-fixture.ts';
import { ALL_TEST_HANDLERS } from './test-handlers.ts';

const { db, boss } = await engineDatabase();

test('an occurrence fetched by a process that died before claiming it runs within seconds (default overdue threshold)', async () => {
  const commands = createJobCommands({ db, boss, logger: testLogger });
  const when = new Date(Date.now() + 500);
  await commands.create(definition('lost-msg', { when: when.toISOString(), periodically: '1h' }));
  await sleep(when.getTime() - Date.now() + 50);
  // The "dead" process: takes the message and never claims or completes it.
  const taken = await boss.fetch(FIRE_QUEUE, { batchSize: 10 });
  assert.equal(taken.length, 1);
  const started = Date.now();
  const engine = await startEngine({
    db, boss, logger: testLogger, host: 'test:survivor', scheduler: true, worker: true, concurrency: 2,
    handlers: registryOf(...ALL_TEST_HANDLERS), retentionMs: 86_400_000, shutdownTimeoutMs: 500, reaperIntervalMs: 1000,
  });
  after(() => engine.stop());
  const run = await eventually(async () => (await db.selectFrom('runs').selectAll().where('job_id', '=', 'lost-msg').execute())[0], 15_000, 'the lost occurrence to run');
  assert.equal(run.scheduled_for.getTime(), when.getTime());
  assert.ok(Date.now() - started < 10_000, `recovered after ${Date.now() - started} ms`);
  await sleep(1500);
  assert.equal((await db.selectFrom('runs').selectAll().where('job_id', '=', 'lost-msg').execute()).length, 1, 'exactly one run for the occurrence');
  await engine.stop();
});

test('stopping the reaper waits for the pass in flight, so closing the pool after it is safe', async () => {
  const database = await migratedDatabase();
  const errors: string[] = [];
  const logger = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, cb) => (errors.push(String(chunk)), cb()) }));
  for (let i = 0; i < 5; i++) {
    const stop = startReaper({ db: database.db, boss, logger, host: 'test', silentAfterMs: 15_000, overdueAfterMs: 3000, intervalMs: 1000 });
    await stop();
  }
  await database.close();
  await sleep(300);
  assert.deepEqual(errors, []);
});
