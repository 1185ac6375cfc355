// pg-boss's statements embedded in bosun's (src/scheduler/fire-queue.ts fireQueueSql): a message
// completed by a claim's statement must be the row pg-boss's complete() leaves, one inserted the
// row its insert() writes (for a create, test/integration/engine/create-statement.test.ts), and a
// take must select what its fetch() would. A pg-boss upgrade that changed any shows here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { engineDatabase } from './engine-fixture.ts';
import { enqueueAttempt, enqueueOccurrences, FIRE_QUEUE, fireQueueSql, occurrencePayload } from '../../../src/scheduler/fire-queue.ts';
import { occurrenceMessageId } from '../../../src/scheduler/message-id.ts';

const { db, boss } = await engineDatabase();
const fire = await fireQueueSql(boss, 'pgboss');
const AT = new Date(Date.now() - 60_000);

const row = async (id: string) => {
  const { rows } = await sql<Record<string, unknown>>`select * from pgboss.job where name = ${FIRE_QUEUE} and id = ${id}::uuid`.execute(db);
  assert.ok(rows[0], `message ${id}`);
  return rows[0];
};
// Columns that differ between any two messages: which message, and when each step happened.
// The due messages taken (deleted), as a claim takes them (with no condition of its own).
const take = (limit: number) => sql<{ id: string; data: { job_id: string } }>`with due as (${fire.dueOccurrences(limit)}), taken as (${fire.takeMessages('due', sql`true`)}) select id, data from taken`;
const comparable = ({ id: _, data: __, created_on: ___, started_on: ____, completed_on: _____, ...rest }: Record<string, unknown>) => rest;

test("a message completed by bosun's statement is the row pg-boss's complete() leaves", async () => {
  await db.transaction().execute((trx) =>
    enqueueOccurrences(boss, trx, [
      { job_id: 'fq-theirs', scheduled_for: AT },
      { job_id: 'fq-ours', scheduled_for: AT },
    ]),
  );
  const fetched = await boss.fetch(FIRE_QUEUE, { batchSize: 10 });
  assert.equal(fetched.length, 2);
  const theirs = occurrenceMessageId('fq-theirs', AT);
  const ours = occurrenceMessageId('fq-ours', AT);
  await boss.complete(FIRE_QUEUE, theirs);
  const { rows } = await sql<{ id: string }>`with done as (${fire.complete([ours])}) select id from done`.execute(db);
  assert.deepEqual(rows.map((r) => r.id), [ours]);
  const [a, b] = [await row(theirs), await row(ours)];
  assert.equal(b.state, 'completed');
  assert.ok(b.completed_on instanceof Date);
  assert.deepEqual(comparable(b), comparable(a));
  // Only an active message is completed: a second completion changes nothing.
  const again = await sql<{ id: string }>`with done as (${fire.complete([ours])}) select id from done`.execute(db);
  assert.deepEqual(again.rows, []);
});

test("a message inserted by bosun's statement is the row pg-boss's insert() writes", async () => {
  const later = new Date(Date.now() + 86_400_000);
  await db.transaction().execute((trx) => enqueueOccurrences(boss, trx, [{ job_id: 'fq-insert-theirs', scheduled_for: later }]));
  const payload = JSON.stringify([await occurrencePayload('fq-insert-ours', later)]);
  const { rows } = await sql<{ id: string }>`with ins as (${fire.insert(payload)}) select id from ins`.execute(db);
  assert.deepEqual(rows.map((r) => r.id), [occurrenceMessageId('fq-insert-ours', later)]);
  assert.deepEqual(comparable(await row(rows[0]!.id)), comparable(await row(occurrenceMessageId('fq-insert-theirs', later))));
  // An occurrence already enqueued is left as it is (pg-boss's ON CONFLICT DO NOTHING).
  const again = await sql<{ id: string }>`with ins as (${fire.insert(payload)}) select id from ins`.execute(db);
  assert.deepEqual(again.rows, []);
  // No payload, no message.
  assert.deepEqual((await sql<{ id: string }>`with ins as (${fire.insert(null)}) select id from ins`.execute(db)).rows, []);
});

test("bosun's take selects what pg-boss's fetch() would, due occurrences only, and deletes what it takes", async () => {
  const later = new Date(Date.now() + 86_400_000);
  await db.transaction().execute(async (trx) => {
    await enqueueOccurrences(boss, trx, [
      { job_id: 'fq-take-theirs', scheduled_for: AT },
      { job_id: 'fq-take-ours', scheduled_for: AT },
      { job_id: 'fq-take-later', scheduled_for: later },
    ]);
    await enqueueAttempt(boss, trx, 'fq-take-attempt', crypto.randomUUID(), 1, AT);
  });
  const theirs = occurrenceMessageId('fq-take-theirs', AT);
  const ours = occurrenceMessageId('fq-take-ours', AT);
  // pg-boss's way, one message at a time (its fetch takes the oldest first: theirs was sent first).
  const [fetched] = await boss.fetch(FIRE_QUEUE, { batchSize: 1 });
  assert.equal(fetched?.id, theirs);
  await boss.complete(FIRE_QUEUE, theirs);
  const { rows } = await take(10).execute(db);
  assert.deepEqual(rows.map((r) => [r.id, r.data.job_id]), [[ours, 'fq-take-ours']], 'neither the attempt nor the occurrence not yet due');
  assert.equal(await boss.getJobById(FIRE_QUEUE, ours), null, 'the taken message is deleted');
  assert.equal((await row(theirs)).state, 'completed', "pg-boss's own fetch and complete are left as they were");
  assert.deepEqual((await take(10).execute(db)).rows, [], 'a taken message is not taken again');
  // What stays: the occurrence not yet due and the attempt, as pg-boss wrote them.
  assert.equal((await row(occurrenceMessageId('fq-take-later', later))).state, 'created');
});

test('a message taken in a transaction that rolls back waits as before; one locked by another transaction is skipped', async () => {
  await db.transaction().execute((trx) => enqueueOccurrences(boss, trx, [{ job_id: 'fq-take-back', scheduled_for: AT }]));
  const id = occurrenceMessageId('fq-take-back', AT);
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      const { rows } = await take(10).execute(trx);
      assert.deepEqual(rows.map((r) => r.id), [id]);
      // Another transaction meanwhile: the message is locked, so it is not taken twice.
      const other = await take(10).execute(db);
      assert.deepEqual(other.rows, []);
      throw new Error('roll back');
    }),
    /roll back/,
  );
  assert.equal((await row(id)).state, 'created');
  assert.equal((await row(id)).started_on, null);
});
