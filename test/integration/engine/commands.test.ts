import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testLogger } from '../../helpers/database.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { findJob, getJob, insertJobs, listJobs } from '../../../src/jobs/repository.ts';
import { FIRE_QUEUE } from '../../../src/scheduler/fire-queue.ts';
import { occurrenceMessageId } from '../../../src/scheduler/message-id.ts';
import { ConflictError, NotFoundError } from '../../../src/errors.ts';
import { definition, engineDatabase } from './engine-fixture.ts';

const { db, boss } = await engineDatabase();
const commands = createJobCommands({ db, boss, logger: testLogger });

async function pending(jobId: string, at: Date) {
  const message = await boss.getJobById(FIRE_QUEUE, occurrenceMessageId(jobId, at));
  return message?.state;
}

test('create stores the job and enqueues its next occurrence; a duplicate job_id is a conflict', async () => {
  const job = await commands.create(definition('c-create', { periodically: '1 hour', when: '2030-01-01T00:00:00Z' }));
  assert.equal(job.state, 'running');
  assert.equal(job.next_run_at?.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.equal(await pending('c-create', job.next_run_at!), 'created');
  await assert.rejects(commands.create(definition('c-create', { periodically: '1 hour' })), (err: unknown) => err instanceof ConflictError && err.field === 'job_id');
});

test('upsert: created, unchanged on the same definition, updated on a change; one transaction for all', async () => {
  const a = definition('u-a', { periodically: '1 day', when: '2030-01-01T00:00:00Z' });
  const b = definition('u-b', { cron: '0 3 * * *' });
  assert.deepEqual((await commands.upsert([a, b])).map((r) => r.change), ['created', 'created']);
  // A parse at another moment yields a new schedule anchor, but the input is the same: unchanged.
  const again = definition('u-b', { cron: '0 3 * * *' }, {}, new Date(Date.now() + 5000));
  assert.deepEqual((await commands.upsert([a, again])).map((r) => r.change), ['unchanged', 'unchanged']);
  const moved = definition('u-a', { periodically: '1 day', when: '2031-01-01T00:00:00Z' });
  const [result] = await commands.upsert([moved]);
  assert.equal(result!.change, 'updated');
  assert.equal(result!.job.next_run_at?.toISOString(), '2031-01-01T00:00:00.000Z');
  assert.equal(await pending('u-a', new Date('2030-01-01T00:00:00Z')), undefined);
  assert.equal(await pending('u-a', new Date('2031-01-01T00:00:00Z')), 'created');
  // A failure in the middle leaves nothing half-applied.
  const bad = { ...definition('u-c', { periodically: '1 day' }), retries: -1 };
  await assert.rejects(commands.upsert([definition('u-d', { periodically: '1 day' }), bad]));
  await assert.rejects(getJob(db, 'u-d'), NotFoundError);
});

test('upsert of unchanged definitions costs no statement per job; a changed one and a repeated id among them still apply', async () => {
  let statements = 0;
  const counted = createJobCommands({
    db: db.withPlugin({ transformQuery: ({ node }) => (statements++, node), transformResult: async ({ result }) => result }),
    boss,
    logger: testLogger,
  });
  const defs = Array.from({ length: 40 }, (_, i) => definition(`same-${i}`, { periodically: '1 day', when: '2030-01-01T00:00:00Z' }));
  await counted.upsert(defs);
  statements = 0;
  assert.deepEqual(new Set((await counted.upsert(defs)).map((r) => r.change)), new Set(['unchanged']));
  assert.ok(statements <= 3, `${statements} statements for 40 unchanged jobs`);
  // One changed among them; the same id twice in one call: the later definition wins.
  const changed = definition('same-3', { periodically: '2 days', when: '2030-01-01T00:00:00Z' });
  const twice = [definition('same-5', { periodically: '3 days', when: '2030-01-01T00:00:00Z' }), defs[5]!];
  const results = await counted.upsert([...defs.slice(0, 3), changed, ...twice]);
  assert.deepEqual(results.map((r) => r.change), ['unchanged', 'unchanged', 'unchanged', 'updated', 'updated', 'updated']);
  assert.deepEqual((await getJob(db, 'same-3')).schedule_input, { periodically: '2 days', when: '2030-01-01T00:00:00Z' });
  assert.deepEqual((await getJob(db, 'same-5')).schedule_input, { periodically: '1 day', when: '2030-01-01T00:00:00Z' });
});

test('pause drops the pending occurrence; resume plans from now; remove deletes job and occurrence', async () => {
  const job = await commands.create(definition('p-1', { periodically: '1 hour', when: '2030-06-01T00:00:00Z' }));
  const paused = await commands.setState('p-1', 'paused');
  assert.equal(paused.state, 'paused');
  assert.equal(paused.next_run_at, null);
  assert.equal(await pending('p-1', job.next_run_at!), undefined);
  // Resumed before its instant, the job holds the same occurrence again, and it is pending (its
  // message id is derived from job and instant: a kept cancelled message would block it).
  const resumed = await commands.setState('p-1', 'running');
  assert.equal(resumed.next_run_at?.toISOString(), '2030-06-01T00:00:00.000Z');
  assert.equal(await pending('p-1', job.next_run_at!), 'created');
  await commands.remove('p-1');
  await assert.rejects(getJob(db, 'p-1'), NotFoundError);
  assert.equal(await pending('p-1', job.next_run_at!), undefined);
  // Created again with the same id and instant: pending again.
  await commands.create(definition('p-1', { periodically: '1 hour', when: '2030-06-01T00:00:00Z' }));
  assert.equal(await pending('p-1', job.next_run_at!), 'created');
  await commands.remove('p-1');
  await assert.rejects(commands.remove('p-1'), NotFoundError);
  await assert.rejects(commands.setState('nope', 'paused'), NotFoundError);
});

test('runNow inserts a manual run; cancelRun ends it; service state round-trips', async () => {
  await commands.create(definition('r-1', { periodically: '1 hour', when: '2030-06-01T00:00:00Z' }));
  const run = await commands.runNow('r-1');
  assert.equal(run.trigger, 'manual');
  assert.equal(run.status, 'scheduled');
  const cancelled = await commands.cancelRun(run.run_id);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal((await commands.cancelRun(run.run_id)).status, 'cancelled');
  await assert.rejects(commands.cancelRun('00000000-0000-0000-0000-000000000000'), NotFoundError);
  await assert.rejects(commands.cancelRun('not-a-uuid'), NotFoundError);
  assert.equal(await commands.getServiceState(), 'running');
  await commands.setServiceState('paused');
  assert.equal(await commands.getServiceState(), 'paused');
  await commands.setServiceState('running');
});

test('listJobs filters, searches, sorts and counts', async () => {
  await commands.create(definition('l-alpha', { periodically: '1 hour' }, { owner: 'alice', description: 'Nightly Backup' }));
  await commands.create(definition('l-beta', { periodically: '1 hour' }, { owner: 'bob', handler: 'other' }));
  const alice = await listJobs(db, { owner: 'alice', limit: 10, offset: 0 });
  assert.deepEqual(alice.jobs.map((j) => j.job_id), ['l-alpha']);
  assert.equal((await listJobs(db, { search: 'backup', limit: 10, offset: 0 })).total, 1);
  assert.equal((await listJobs(db, { search: '100%', limit: 10, offset: 0 })).total, 0);
  const other = await listJobs(db, { handler: 'other', limit: 10, offset: 0, sort: '-job_id' });
  assert.deepEqual(other.jobs.map((j) => j.job_id), ['l-beta']);
  const page = await listJobs(db, { limit: 1, offset: 1, sort: 'job_id' });
  assert.equal(page.jobs.length, 1);
  assert.ok(page.total >= 2);
});

test('a bulk create stores every field as given, text that needs escaping in an array included; a taken id is a conflict', async () => {
  const awkward = 'quote " backslash \\ comma , braces {} NULL\nnewline é 🚀';
  const defs = [
    definition('bulk-a', { periodically: '1 day', when: '2031-01-01T00:00:00Z' }, { description: awkward, kwargs: { s: awkward, n: [1, null, { x: '"' }] }, owner: 'alice', timeout_ms: 1500, retries: 3, retry_delay_ms: 250, retry_backoff: 2, overlap: 'queue' }),
    definition('bulk-b', { when: '2031-01-01T00:00:00Z' }, { description: 'NULL', state: 'paused' }),
    definition('bulk-c', { periodically: '1 hour' }),
  ];
  await commands.upsert(defs);
  for (const def of defs) {
    const job = await getJob(db, def.job_id);
    for (const field of ['handler', 'kwargs', 'description', 'schedule_input', 'schedule', 'state', 'overlap', 'timeout_ms', 'retries', 'retry_delay_ms', 'retry_backoff', 'owner', 'source'] as const) {
      assert.deepEqual(job[field], def[field], `${def.job_id}.${field}`);
    }
  }
  assert.equal((await getJob(db, 'bulk-a')).next_run_at?.toISOString(), '2031-01-01T00:00:00.000Z');
  assert.equal((await getJob(db, 'bulk-b')).next_run_at, null);
  await assert.rejects(
    db.transaction().execute((trx) => insertJobs(trx, [{ def: definition('bulk-new', { periodically: '1 day' }), next_run_at: null, state: 'running' }, { def: defs[2]!, next_run_at: null, state: 'running' }])),
    (err: unknown) => err instanceof ConflictError && /bulk-c/.test(err.message),
  );
  assert.equal(await findJob(db, 'bulk-new'), undefined);
});
