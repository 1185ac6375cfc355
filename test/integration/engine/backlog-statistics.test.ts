// A worker whose take comes back full (a backlog) asks for fresh fire-queue statistics at once,
// not at its next poll (src/worker/worker.ts refreshStatistics): a queue table never analyzed is
// planned as if it held a handful of rows, and every take then sorts all the waiting messages.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testLogger } from '../../helpers/database.ts';
import { definition, engineDatabase, eventually, registryOf } from './engine-fixture.ts';
import { TestSleep } from './test-handlers.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { startWorker } from '../../../src/worker/worker.ts';
import { FIRE_QUEUE } from '../../../src/scheduler/fire-queue.ts';

const { db, boss } = await engineDatabase();
const { table } = (await sql<{ table: string }>`select table_name as table from pgboss.queue where name = ${FIRE_QUEUE}`.execute(db)).rows[0]!;
// Only the worker may analyze it here.
await sql.raw(`alter table pgboss.${table} set (autovacuum_enabled = false)`).execute(db);
const analyzedAt = async () =>
  (await sql<{ at: Date | null }>`select last_analyze as at from pg_stat_user_tables where schemaname = 'pgboss' and relname = ${table}`.execute(db)).rows[0]!.at;

test('a backlog on a never-analyzed fire queue has it analyzed at once, without waiting for a poll', async () => {
  // A poll a minute apart: only the take that finds the backlog can ask in time.
  const worker = await startWorker({
    db, boss, logger: testLogger, host: 'test-host', concurrency: 2, pollMs: 60_000,
    handlers: registryOf(TestSleep), jobControl: () => ({}) as never,
  });
  after(() => worker.stop());
  assert.equal(await analyzedAt(), null, 'the fire queue starts never analyzed');
  const commands = createJobCommands({ db, boss, logger: testLogger });
  await commands.upsert(Array.from({ length: 20 }, (_, i) => definition(`backlog-${i}`, { when: new Date().toISOString(), misfire_grace_time: '1 hour' }, { handler: 'test-sleep', kwargs: { ms: 200 } })));
  const at = await eventually(async () => (await analyzedAt()) ?? undefined, 10_000, 'the fire queue to be analyzed');
  assert.ok(at instanceof Date);
  const ran = await db.selectFrom('runs').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  assert.ok(Number(ran.n) < 20, `analyzed while the backlog lasted (${ran.n} of 20 runs had started)`);
});
