// A job created due now, or run now, in a process whose worker has a free slot starts there as
// soon as its transaction commits, without a round through the queue (src/jobs/commands.ts
// create/runNow with the worker's reserve()). Without a free slot, with the service paused, or
// when the transaction fails, everything goes through the queue as before, and no slot leaks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { testLogger } from '../../helpers/database.ts';
import { startEngine } from '../../../src/scheduler/engine.ts';
import { FIRE_QUEUE, type FireMessage } from '../../../src/scheduler/fire-queue.ts';
import { definition, engineDatabase, eventually, registryOf } from './engine-fixture.ts';
import { ALL_TEST_HANDLERS, calls } from './test-handlers.ts';
import { findJob } from '../../../src/jobs/repository.ts';
import { auditedCommands } from '../../../src/audit/audited-commands.ts';
import { listAuditEntries } from '../../../src/audit/repository.ts';

const { db, boss } = await engineDatabase();
const engine = await startEngine({
  db, boss, logger: testLogger, host: 'here-host', scheduler: true, worker: true, concurrency: 2,
  handlers: registryOf(...ALL_TEST_HANDLERS), retentionMs: 86_400_000, shutdownTimeoutMs: 1000,
  heartbeatMs: 300, silentAfterMs: 3000, reaperIntervalMs: 500,
});
after(() => engine.stop());
const { commands } = engine;

const runsOf = (jobId: string) => db.selectFrom('runs').selectAll().where('job_id', '=', jobId).orderBy('created_at').execute();
const messagesOf = async (jobId: string) => (await boss.findJobs<FireMessage>(FIRE_QUEUE, { data: { job_id: jobId } })).map((m) => m.data.kind);
const succeeded = (jobId: string, n = 1) =>
  eventually(async () => {
    const runs = await runsOf(jobId);
    return runs.filter((r) => r.status === 'succeeded').length >= n ? runs : undefined;
  }, 10_000, `${jobId} to succeed`);

test('a one-shot created due now runs here at once: its run is claimed in the create, no message is queued', async () => {
  const job = await commands.create(definition('here-once', {}));
  // The job as created is returned, as when the queue carries it.
  assert.equal(job.state, 'running');
  const [run] = await succeeded('here-once');
  assert.equal(run!.host, 'here-host');
  assert.equal(run!.trigger, 'schedule');
  assert.deepEqual(await messagesOf('here-once'), []);
  const stored = await db.selectFrom('jobs').select(['state', 'run_count', 'next_run_at', 'last_run_status']).where('job_id', '=', 'here-once').executeTakeFirstOrThrow();
  assert.deepEqual(stored, { state: 'finished', run_count: 1, next_run_at: null, last_run_status: 'succeeded' });
});

test('an audited create started here writes its `created` entry in the claim\'s transaction', async () => {
  const audited = auditedCommands(commands, { db, logger: testLogger, actor: 'carol' });
  await audited.create(definition('here-audited', {}));
  await succeeded('here-audited');
  assert.deepEqual(await messagesOf('here-audited'), []);
  const { entries } = await listAuditEntries(db, { job_id: 'here-audited', limit: 10, offset: 0 });
  assert.deepEqual(entries.map((e) => [e.actor, e.action, (e.detail.definition as { state: string }).state]), [['carol', 'created', 'running']]);
});

test('a periodic job created due now runs here and its next occurrence is queued', async () => {
  await commands.create(definition('here-hourly', { periodically: '1 hour', when: new Date().toISOString() }));
  await succeeded('here-hourly');
  assert.deepEqual(await messagesOf('here-hourly'), ['occurrence']);
  const stored = await db.selectFrom('jobs').select(['run_count', 'next_run_at']).where('job_id', '=', 'here-hourly').executeTakeFirstOrThrow();
  assert.equal(stored.run_count, 1);
  assert.ok(stored.next_run_at && stored.next_run_at.getTime() > Date.now() + 3_500_000);
});

test('run now starts here (returned running); without a free slot it goes through the queue', async () => {
  await commands.create(definition('here-manual', { periodically: '1 day', when: '2099-01-01T00:00:00Z' }));
  const direct = await commands.runNow('here-manual');
  assert.equal(direct.status, 'running');
  assert.equal(direct.host, 'here-host');
  await succeeded('here-manual');
  assert.deepEqual((await messagesOf('here-manual')).filter((k) => k === 'attempt'), []);

  // Both slots busy: the next create and run-now are queued, and run once a slot frees.
  const before = calls.length;
  await commands.create(definition('here-busy-1', {}, { handler: 'test-sleep', kwargs: { ms: 700 } }));
  await commands.create(definition('here-busy-2', {}, { handler: 'test-sleep', kwargs: { ms: 700 } }));
  await eventually(async () => (calls.length >= before + 2 ? true : undefined), 5000, 'both sleepers to start');
  await commands.create(definition('here-queued', {}));
  const queuedRun = await commands.runNow('here-manual');
  assert.equal(queuedRun.status, 'scheduled');
  assert.deepEqual(await messagesOf('here-queued'), ['occurrence']);
  await succeeded('here-queued');
  await succeeded('here-manual', 2);
});

test('with the service paused nothing starts here; the occurrence waits in the queue and runs on resume', async () => {
  await commands.setServiceState('paused');
  try {
    // overlap: allow, so the occurrence runs even while the run-now run does.
    await commands.create(definition('here-paused', { misfire_grace_time: '1 hour' }, { overlap: 'allow' }));
    const manual = await commands.runNow('here-paused');
    assert.equal(manual.status, 'scheduled');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual((await runsOf('here-paused')).map((r) => r.status), ['scheduled']);
    assert.deepEqual((await messagesOf('here-paused')).sort(), ['attempt', 'occurrence']);
  } finally {
    await commands.setServiceState('running');
  }
  await succeeded('here-paused', 2);
});

test('a create whose transaction fails starts nothing and gives its slot back', async () => {
  // An entry the audit log refuses (run_id is not a uuid) fails the claim's transaction at its end.
  const failing = commands.create(definition('here-fails', {}), (stored) => ({ actor: 'x', action: 'created', job_id: stored.job_id, run_id: 'not-a-uuid', owner: null, detail: {} }));
  await assert.rejects(failing, /uuid/);
  assert.equal(await findJob(db, 'here-fails'), undefined);
  assert.deepEqual(await runsOf('here-fails'), []);
  // Both slots are still there: two sleepers start together.
  const before = calls.length;
  await commands.create(definition('here-after-1', {}, { handler: 'test-sleep', kwargs: { ms: 300 } }));
  await commands.create(definition('here-after-2', {}, { handler: 'test-sleep', kwargs: { ms: 300 } }));
  const started = await eventually(async () => (calls.length >= before + 2 ? calls.slice(before) : undefined), 5000, 'two sleepers');
  assert.ok(Math.abs(started[0]!.startedAt - started[1]!.startedAt) < 250, 'both ran at the same time');
  assert.deepEqual((await runsOf('here-after-1')).map((r) => r.host), ['here-host']);
  // Recorded before the file's database goes away.
  await succeeded('here-after-1');
  await succeeded('here-after-2');
});
