// A create is one statement (src/jobs/create-statement.ts): bosun's job insert with pg-boss's own
// insert of its first occurrence embedded in it. The message must be exactly the row pg-boss's
// insert() writes (a pg-boss upgrade that changed its insert shows here), a due one must wake
// the workers as pg-boss's NOTIFY does, and a second schema must work as the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { testLogger } from '../../helpers/database.ts';
import { definition, engineDatabase, testBoss } from './engine-fixture.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { ConflictError } from '../../../src/errors.ts';
import { enqueueOccurrences, FIRE_QUEUE } from '../../../src/scheduler/fire-queue.ts';
import { occurrenceMessageId } from '../../../src/scheduler/message-id.ts';
import { bossNotifyChannel } from '../../../src/queue/queue-notify.ts';

const { db, boss, url } = await engineDatabase();
const commands = createJobCommands({ db, boss, logger: testLogger });
const WHEN = new Date('2031-01-01T00:00:00Z');

const messageRow = async (schema: string, jobId: string, instant: Date) => {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(`${schema}.job`)} where name = ${FIRE_QUEUE} and id = ${occurrenceMessageId(jobId, instant)}::uuid`.execute(db);
  return rows[0];
};
// Columns that differ between any two messages: which message, and when it was written.
const comparable = (row: Record<string, unknown> | undefined) => {
  assert.ok(row, 'message stored');
  const { id: _, data: __, created_on: ___, ...rest } = row;
  return rest;
};

test("the create's message is the row pg-boss's insert() writes for the same occurrence", async () => {
  await commands.create(definition('cs-one-statement', { periodically: '1 day', when: WHEN.toISOString() }));
  await db.transaction().execute((trx) => enqueueOccurrences(boss, trx, [{ job_id: 'cs-through-pg-boss', scheduled_for: WHEN }]));
  const ours = await messageRow('pgboss', 'cs-one-statement', WHEN);
  const theirs = await messageRow('pgboss', 'cs-through-pg-boss', WHEN);
  assert.deepEqual(comparable(ours), comparable(theirs));
  assert.deepEqual(ours!.data, { kind: 'occurrence', job_id: 'cs-one-statement', scheduled_for: '2031-01-01T00:00:00.000Z' });
  assert.equal(ours!.state, 'created');
});

test('a due create NOTIFYs the channel pg-boss workers listen on; a future one does not', async () => {
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  try {
    const heard: string[] = [];
    listener.on('notification', (m) => heard.push(m.payload ?? ''));
    await listener.query(`listen "${bossNotifyChannel('pgboss')}"`);
    await commands.create(definition('cs-future', { periodically: '1 day', when: WHEN.toISOString() }));
    // A one-shot due now (no worker here: it goes through the queue).
    await commands.create(definition('cs-due', {}));
    const deadline = Date.now() + 5000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    // The channel is pg-boss's for every notify-enabled queue: only FIRE_QUEUE's count here.
    assert.deepEqual(heard.filter((queue) => queue === FIRE_QUEUE), [FIRE_QUEUE]);
  } finally {
    await listener.end();
  }
});

test('a job with no occurrence is stored without a message', async () => {
  const paused = await commands.create(definition('cs-paused', { periodically: '1 day', when: WHEN.toISOString() }, { state: 'paused' }));
  assert.equal(paused.next_run_at, null);
  assert.equal(await messageRow('pgboss', 'cs-paused', WHEN), undefined);
});

test('a taken job_id is a ConflictError and writes nothing: the first job keeps its message only', async () => {
  await commands.create(definition('cs-taken', { periodically: '1 day', when: WHEN.toISOString() }));
  const later = new Date('2032-01-01T00:00:00Z');
  await assert.rejects(commands.create(definition('cs-taken', { periodically: '1 day', when: later.toISOString() })), (err: unknown) => err instanceof ConflictError && err.field === 'job_id');
  assert.equal(await messageRow('pgboss', 'cs-taken', later), undefined);
  assert.equal((await db.selectFrom('jobs').select('next_run_at').where('job_id', '=', 'cs-taken').executeTakeFirstOrThrow()).next_run_at?.toISOString(), WHEN.toISOString());
});

test("pg-boss in another schema: the create's message goes to that schema's queue", async () => {
  const other = await testBoss(url, 'bossother');
  const elsewhere = createJobCommands({ db, boss: other, logger: testLogger, queueSchema: 'bossother' });
  await elsewhere.create(definition('cs-other-schema', { periodically: '1 day', when: WHEN.toISOString() }));
  assert.equal((await messageRow('bossother', 'cs-other-schema', WHEN))?.state, 'created');
  assert.equal(await messageRow('pgboss', 'cs-other-schema', WHEN), undefined);
});
