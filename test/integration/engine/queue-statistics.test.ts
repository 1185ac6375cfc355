// A worker seeing a backlog refreshes the fire queue's planner statistics (src/queue/queue-statistics.ts):
// when it was never analyzed, else only when at least STALE_AFTER_CHANGES rows changed since they
// were taken, and not twice in 30 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { engineDatabase } from './engine-fixture.ts';
import { FIRE_QUEUE, enqueueOccurrences } from '../../../src/scheduler/fire-queue.ts';
import { STALE_AFTER_CHANGES, refreshQueueStatistics } from '../../../src/queue/queue-statistics.ts';

const { db, boss } = await engineDatabase();
const { table } = (await sql<{ table: string }>`select table_name as table from pgboss.queue where name = ${FIRE_QUEUE}`.execute(db)).rows[0]!;
// Autovacuum must not analyze the table behind the test's back (a fresh database: nothing else uses it).
await sql.raw(`alter table pgboss.${table} set (autovacuum_enabled = false)`).execute(db);

const stats = async () =>
  (
    await sql<{ changes: string; analyzed: Date | null }>`
      select n_mod_since_analyze as changes, greatest(last_analyze, last_autoanalyze) as analyzed
      from pg_stat_user_tables where schemaname = 'pgboss' and relname = ${table}`.execute(db)
  ).rows[0]!;

/** Enqueues `n` occurrences of distinct jobs and waits until the statistics system counts them. */
async function change(n: number, tag: string): Promise<void> {
  const before = Number((await stats()).changes);
  const at = new Date(Date.now() + 86_400_000);
  await enqueueOccurrences(boss, db, Array.from({ length: n }, (_, i) => ({ job_id: `${tag}-${i}`, scheduled_for: at })));
  // Backends report their counts to the statistics system about once a second.
  const deadline = Date.now() + 15_000;
  while (Number((await stats()).changes) < before + n) {
    assert.ok(Date.now() < deadline, `the statistics system did not count ${n} changes within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a queue table never analyzed: analyzed at the first backlog, however few changed', async () => {
  // Planned without statistics, the take sorts every waiting message; the first backlog is the time to get some.
  assert.equal((await stats()).analyzed, null);
  await change(10, 'first');
  assert.equal(await refreshQueueStatistics(db, 'pgboss', FIRE_QUEUE), true);
  assert.ok((await stats()).analyzed instanceof Date);
});

test('a few changes since the last statistics: nothing analyzed', async () => {
  const { analyzed } = await stats();
  await change(10, 'few');
  assert.equal(await refreshQueueStatistics(db, 'pgboss', FIRE_QUEUE), false);
  assert.deepEqual((await stats()).analyzed, analyzed);
});

test('a backlog since the last statistics: the queue table is analyzed, once', async () => {
  await change(STALE_AFTER_CHANGES, 'backlog');
  assert.equal(await refreshQueueStatistics(db, 'pgboss', FIRE_QUEUE), true);
  const after = await stats();
  assert.ok(after.analyzed instanceof Date, 'last_analyze set');
  assert.equal(Number(after.changes), 0);
  assert.equal(await refreshQueueStatistics(db, 'pgboss', FIRE_QUEUE), false, 'nothing changed since');
});

test('within 30 s of the last analyze: not again while fewer rows changed than it counted, again once more did', async () => {
  const { analyzed } = await stats();
  const counted = Number((await sql<{ n: number }>`select reltuples::int8 as n from pg_class where oid = ${`pgboss.${table}`}::regclass`.execute(db)).rows[0]!.n);
  assert.ok(counted >= STALE_AFTER_CHANGES, `the analyze counted ${counted} rows`);
  await change(STALE_AFTER_CHANGES, 'again');
  assert.equal(await refreshQueueStatistics(db, 'pgboss', FIRE_QUEUE), false);
  assert.deepEqual((await stats()).analyzed, analyzed);
  // More changes than the statistics counted rows: they no longer describe the table, whatever their age.
  await change(counted + 10 - STALE_AFTER_CHANGES, 'more');
  assert.equal(await refreshQueueStatistics(db, 'pgboss', FIRE_QUEUE), true);
});

test('an unknown queue: nothing to analyze', async () => {
  assert.equal(await refreshQueueStatistics(db, 'pgboss', 'no-such-queue'), false);
});
