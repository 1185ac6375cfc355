// GET /jobs reads the total of an unfiltered (or owner-only) list from job_counts, kept by
// triggers on jobs (migrations/0007_job_counts.ts, 0009: inserts counted per statement). It must equal count(*) after every kind of
// write: creates (one and bulk), deletes, owner changes, truncation, concurrent writers, and a
// migration over existing jobs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testLogger } from '../../helpers/database.ts';
import { definition, engineDatabase } from '../engine/engine-fixture.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { insertJob, updateJob } from '../../../src/jobs/repository.ts';
import { filtersBeyondOwner, listJobsPage } from '../../../src/api/queries/jobs.ts';
import * as migration from '../../../migrations/0007_job_counts.ts';
import * as perStatement from '../../../migrations/0009_job_counts_per_statement.ts';

const { db, boss } = await engineDatabase();
const commands = createJobCommands({ db, boss, logger: testLogger });
const OWNERS = [null, 'alice', 'bob', 'carol'] as const;
const def = (id: string, owner: string | null) => definition(id, { periodically: '1 day', when: '2031-01-01T00:00:00Z' }, { owner });

const unknown = () => false;

/** Counter and count(*) per owner (owner null as ''), owners with no jobs left out. */
async function both() {
  const counted = await sql<{ owner: string | null; n: number }>`select owner, sum(n)::int as n from job_counts group by owner having sum(n) <> 0 order by owner`.execute(db);
  const actual = await sql<{ owner: string | null; n: number }>`select owner, count(*)::int as n from jobs group by owner order by owner`.execute(db);
  return { counter: counted.rows, actual: actual.rows };
}
async function assertAgree(label: string) {
  const { counter, actual } = await both();
  assert.deepEqual(counter, actual, label);
  const all = actual.reduce((s, r) => s + r.n, 0);
  assert.equal((await listJobsPage(db, { limit: 1, offset: 0 }, unknown)).total, all, `${label}: total`);
  for (const owner of ['alice', 'bob', 'nobody']) {
    const expected = actual.find((r) => r.owner === owner)?.n ?? 0;
    assert.equal((await listJobsPage(db, { limit: 1, offset: 0, owner }, unknown)).total, expected, `${label}: ${owner}`);
    // Past the end the total comes from a second statement: the same counter.
    assert.equal((await listJobsPage(db, { limit: 1, offset: 100_000, owner }, unknown)).total, expected, `${label}: ${owner} past the end`);
  }
}

test('which lists read the counter: none filtered beyond the owner', () => {
  assert.equal(filtersBeyondOwner({ limit: 1, offset: 0 }), false);
  assert.equal(filtersBeyondOwner({ limit: 1, offset: 0, owner: 'a', job_type: 'all', search: '' }), false);
  for (const extra of [{ state: 'paused' as const }, { handler: 'noop' }, { last_run_status: 'failed' as const }, { job_type: 'user' as const }, { search: 'x' }]) {
    assert.equal(filtersBeyondOwner({ limit: 1, offset: 0, ...extra }), true, JSON.stringify(extra));
  }
});

test('creates, bulk upserts, deletes and owner changes keep the counter equal to count(*)', async () => {
  await assertAgree('empty');
  for (let i = 0; i < 6; i++) await commands.create(def(`c-${i}`, OWNERS[i % 4]!));
  await assertAgree('after creates');
  // Bulk: one multi-row insert over several owners, plus an existing job re-owned by the upsert.
  const bulk = Array.from({ length: 250 }, (_, i) => def(`b-${i}`, OWNERS[i % 4]!));
  await commands.upsert([...bulk, def('c-0', 'carol')]);
  await assertAgree('after bulk upsert');
  await updateJob(db, 'c-1', { owner: null });
  await updateJob(db, 'c-2', { owner: 'bob' }); // unchanged owner: no counter change
  await updateJob(db, 'c-3', { description: 'no owner change' });
  await assertAgree('after owner changes');
  await commands.remove('c-4');
  await sql`delete from jobs where job_id like 'b-1%'`.execute(db);
  await assertAgree('after deletes');
  // A rolled-back transaction leaves the counter as it was.
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await sql`delete from jobs where owner = 'alice'`.execute(trx);
      for (let i = 0; i < 5; i++) await insertJob(trx, def(`r-${i}`, 'dave'));
      assert.equal((await sql<{ n: number }>`select sum(n)::int as n from job_counts where owner = 'dave'`.execute(trx)).rows[0]?.n, 5);
      throw new Error('roll back');
    }),
    /roll back/,
  );
  await assertAgree('after a rollback');
});

test('concurrent writers on several connections: the counter stays exact', async () => {
  const workers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = 0; i < 25; i++) {
      const id = `w${w}-${i}`;
      await commands.create(def(id, OWNERS[(w + i) % 4]!));
      if (i % 3 === 0) await updateJob(db, id, { owner: OWNERS[(w + i + 1) % 4]! });
      if (i % 5 === 0) await commands.remove(id);
    }
  });
  await Promise.all(workers);
  await assertAgree('after concurrent writers');
});

test('a create does not wait for another open transaction that created a job of the same owner', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let inserted!: () => void;
  const insertedP = new Promise<void>((r) => (inserted = r));
  const open = db.transaction().execute(async (trx) => {
    await insertJob(trx, def('held-open', 'alice'));
    inserted();
    await held; // its counter row stays locked until this commits
  });
  await insertedP;
  const started = Date.now();
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('create waited on the open transaction')), 3000));
  await Promise.race([commands.create(def('not-waiting', 'alice')), timeout]);
  assert.ok(Date.now() - started < 3000);
  release();
  await open;
  await assertAgree('after both committed');
});

test('truncate empties the counter', async () => {
  await sql`truncate jobs cascade`.execute(db);
  await assertAgree('after truncate');
  assert.equal((await sql<{ n: number }>`select count(*)::int as n from job_counts`.execute(db)).rows[0]?.n, 0);
  await commands.create(def('after-truncate', 'alice'));
  await assertAgree('a create after truncate');
});

test('the migrations start the counter from the jobs already stored, and down removes it', async () => {
  for (let i = 0; i < 9; i++) await commands.create(def(`m-${i}`, OWNERS[i % 3]!));
  await db.transaction().execute(async (trx) => perStatement.down(trx as never));
  await commands.create(def('m-row-trigger', 'bob'));
  await assertAgree('with 0007 row trigger on insert again');
  await db.transaction().execute(async (trx) => migration.down(trx as never));
  assert.equal((await sql<{ n: number }>`select count(*)::int as n from pg_trigger where tgname like 'job_counts%'`.execute(db)).rows[0]?.n, 0);
  await commands.create(def('m-while-down', 'bob'));
  await db.transaction().execute(async (trx) => migration.up(trx as never));
  await db.transaction().execute(async (trx) => perStatement.up(trx as never));
  await assertAgree('after the migrations over existing jobs');
  await commands.create(def('m-after', 'bob'));
  await assertAgree('a create after the migration');
});
