// The audit row of a create is written with the job (one statement, or the claim's transaction
// for a job started here): the job, its pending occurrence and its `created` entry are written
// together or not at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testLogger } from '../../helpers/database.ts';
import { definition, engineDatabase } from '../engine/engine-fixture.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { findJob } from '../../../src/jobs/repository.ts';
import { auditedCommands } from '../../../src/audit/audited-commands.ts';
import { listAuditEntries } from '../../../src/audit/repository.ts';
import { FIRE_QUEUE } from '../../../src/scheduler/fire-queue.ts';
import { occurrenceMessageId } from '../../../src/scheduler/message-id.ts';
import { ConflictError } from '../../../src/errors.ts';

const { db, boss } = await engineDatabase();
const commands = auditedCommands(createJobCommands({ db, boss, logger: testLogger }), { db, logger: testLogger, actor: () => 'alice' });
const WHEN = '2031-01-01T00:00:00Z';

const entriesOf = async (jobId: string) => (await listAuditEntries(db, { job_id: jobId, limit: 10, offset: 0 })).entries;
const occurrence = (jobId: string) => boss.getJobById(FIRE_QUEUE, occurrenceMessageId(jobId, new Date(WHEN)));

test('a create stores the job with its planned instant, its occurrence and one `created` entry by the actor', async () => {
  const job = await commands.create(definition('tx-ok', { periodically: '1 day', when: WHEN }, { owner: 'alice' }));
  assert.equal(job.next_run_at?.toISOString(), '2031-01-01T00:00:00.000Z');
  assert.equal(job.state, 'running');
  assert.equal((await occurrence('tx-ok'))?.state, 'created');
  const entries = await entriesOf('tx-ok');
  assert.deepEqual(
    entries.map((e) => [e.actor, e.action, e.owner, (e.detail.definition as { job_id: string }).job_id]),
    [['alice', 'created', 'alice', 'tx-ok']],
  );
  // The entry was written in the job's transaction: same transaction timestamp as the row.
  const { rows } = await sql<{ same: boolean }>`select (select at from audit_log where job_id = 'tx-ok') = (select created_at from jobs where job_id = 'tx-ok') as same`.execute(db);
  assert.equal(rows[0]?.same, true);
});

test('a create whose message insert fails leaves no job and no audit row', async () => {
  // pg-boss's insert, inside the create's one statement, refuses this job's message.
  await sql`create function message_refuse() returns trigger language plpgsql as $$
    begin if new.data->>'job_id' like 'tx-message-refused%' then raise exception 'message refused'; end if; return new; end $$`.execute(db);
  await sql`create trigger message_refuse before insert on pgboss.job for each row execute function message_refuse()`.execute(db);
  try {
    await assert.rejects(commands.create(definition('tx-message-refused', { periodically: '1 day', when: WHEN })), /message refused/);
  } finally {
    await sql`drop trigger message_refuse on pgboss.job`.execute(db);
    await sql`drop function message_refuse()`.execute(db);
  }
  assert.equal(await findJob(db, 'tx-message-refused'), undefined);
  assert.equal(await occurrence('tx-message-refused'), null);
  assert.deepEqual(await entriesOf('tx-message-refused'), []);
});

test('a failing audit insert rolls the create back', async () => {
  await sql`create function audit_refuse() returns trigger language plpgsql as $$
    begin if new.job_id like 'tx-refused%' then raise exception 'audit refused'; end if; return new; end $$`.execute(db);
  await sql`create trigger audit_refuse before insert on audit_log for each row execute function audit_refuse()`.execute(db);
  try {
    await assert.rejects(commands.create(definition('tx-refused', { periodically: '1 day', when: WHEN })), /audit refused/);
    assert.equal(await findJob(db, 'tx-refused'), undefined);
    assert.equal(await occurrence('tx-refused'), null);
  } finally {
    await sql`drop trigger audit_refuse on audit_log`.execute(db);
    await sql`drop function audit_refuse()`.execute(db);
  }
  // The same create goes through once the audit log takes it.
  await commands.create(definition('tx-refused', { periodically: '1 day', when: WHEN }));
  assert.equal((await entriesOf('tx-refused')).length, 1);
});

test('a create refused as a conflict writes no audit row', async () => {
  await commands.create(definition('tx-dup', { periodically: '1 day', when: WHEN }));
  await assert.rejects(commands.create(definition('tx-dup', { cron: '0 3 * * *' })), (err: unknown) => err instanceof ConflictError);
  assert.deepEqual((await entriesOf('tx-dup')).map((e) => e.action), ['created']);
});

test('planned at insert: a paused job holds no occurrence, a one-shot long past is kept to be recorded as misfired', async () => {
  const paused = await commands.create(definition('tx-paused', { periodically: '1 day', when: WHEN }, { state: 'paused' }));
  assert.equal(paused.state, 'paused');
  assert.equal(paused.next_run_at, null);
  assert.equal(await occurrence('tx-paused'), null);
  // A one-shot whose only instant is past keeps it (planFrom), as reschedule did before.
  const past = '2020-01-01T00:00:00Z';
  const once = await commands.create(definition('tx-once-past', { when: past }, {}, new Date('2019-12-31T00:00:00Z')));
  assert.equal(once.state, 'running');
  assert.equal(once.next_run_at?.toISOString(), '2020-01-01T00:00:00.000Z');
  assert.equal((await boss.getJobById(FIRE_QUEUE, occurrenceMessageId('tx-once-past', new Date(past))))?.state, 'created');
  assert.equal((await entriesOf('tx-paused')).length + (await entriesOf('tx-once-past')).length, 2);
});
