// Fetched occurrences are claimed in one transaction (src/worker/claim.ts claimOccurrences).
// Batching must not change any decision: each case is set up twice, on two jobs alike but for
// their id, one claimed in a batch of its own, the other in a batch with every other case's twin;
// then their claims, runs, jobs and queued messages are compared, and each case's outcome is
// checked against what its name says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineDatabase, definition } from './engine-fixture.ts';
import { insertJob } from '../../../src/jobs/repository.ts';
import { insertRun } from '../../../src/runs/repository.ts';
import { claimDueOccurrences, claimOccurrences, claimRunAttempt, type Claim, type DueClaim } from '../../../src/worker/claim.ts';
import { FIRE_QUEUE, enqueueAttempt, enqueueOccurrence, type FireMessage } from '../../../src/scheduler/fire-queue.ts';
import type { JobDefinition } from '../../../src/jobs/job.ts';
import type { ScheduleInput } from '../../../src/schedule/index.ts';
import { setServiceState } from '../../../src/service-state/repository.ts';
import { sql } from 'kysely';

const { db, boss } = await engineDatabase();
const deps = { db, boss, host: 'test-host', queueSchema: 'pgboss' };
const now = Date.now();
const ago = (ms: number) => new Date(now - ms);

interface Case {
  name: string;
  schedule: ScheduleInput;
  overrides?: Partial<JobDefinition>;
  /** The occurrence the job holds, and the one its message names (stale when they differ). */
  pending: Date;
  message?: Date;
  /** A run of the job already running (overlap cases). */
  busy?: boolean;
  /** When the job was defined, if before now (a one-shot `when` must not be past its grace then). */
  definedAt?: Date;
}

// Every outcome must not depend on when the claims run (a loaded machine may take seconds):
// a generous grace except where a misfire is the point, a backlog on a one-minute interval.
const grace = { misfire_grace_time: '1 hour' };
const cases: Case[] = [
  { name: 'one-shot', schedule: { when: ago(50).toISOString(), ...grace }, pending: ago(50) },
  // A take claims a one-shot job's occurrence in its own statement (takeDueOccurrences): every
  // decision such a claim can meet, to be the same as the planner's.
  { name: 'one-shot-late', schedule: { when: ago(5000).toISOString(), misfire_grace_time: '1 second' }, pending: ago(5000), definedAt: ago(6000) },
  { name: 'one-shot-skip', schedule: { when: ago(20).toISOString(), ...grace }, pending: ago(20), busy: true },
  { name: 'one-shot-queue', schedule: { when: ago(20).toISOString(), ...grace }, overrides: { overlap: 'queue' }, pending: ago(20), busy: true },
  { name: 'one-shot-allow', schedule: { when: ago(20).toISOString(), ...grace }, overrides: { overlap: 'allow' }, pending: ago(20), busy: true },
  // max_instances: a job is full at that many runs running, whatever its overlap policy.
  { name: 'one-shot-max-full', schedule: { when: ago(20).toISOString(), ...grace }, overrides: { overlap: 'allow', max_instances: 1 }, pending: ago(20), busy: true },
  { name: 'one-shot-max-room', schedule: { when: ago(20).toISOString(), ...grace }, overrides: { max_instances: 2 }, pending: ago(20), busy: true },
  { name: 'one-shot-stale', schedule: { when: ago(20).toISOString(), ...grace }, pending: ago(20), message: ago(3_600_020) },
  { name: 'one-shot-paused', schedule: { when: ago(20).toISOString(), ...grace }, overrides: { state: 'paused' }, pending: ago(20) },
  { name: 'hourly', schedule: { periodically: '1 hour', when: ago(30).toISOString(), ...grace }, pending: ago(30) },
  { name: 'late', schedule: { periodically: '1 hour', when: ago(5000).toISOString(), misfire_grace_time: '1 second' }, pending: ago(5000) },
  { name: 'backlog', schedule: { periodically: '1 minute', when: ago(630_000).toISOString(), ...grace }, pending: ago(630_000) },
  { name: 'skip', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, pending: ago(20), busy: true },
  { name: 'queue', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, overrides: { overlap: 'queue' }, pending: ago(20), busy: true },
  { name: 'allow', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, overrides: { overlap: 'allow' }, pending: ago(20), busy: true },
  { name: 'max-full', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, overrides: { overlap: 'allow', max_instances: 1 }, pending: ago(20), busy: true },
  { name: 'max-room', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, overrides: { max_instances: 2 }, pending: ago(20), busy: true },
  { name: 'max-queue', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, overrides: { overlap: 'queue', max_instances: 2 }, pending: ago(20), busy: true },
  { name: 'stale', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, pending: ago(20), message: ago(3_600_020) },
  { name: 'paused', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, overrides: { state: 'paused' }, pending: ago(20) },
  { name: 'last', schedule: { periodically: '1 hour', when: ago(20).toISOString(), max_runs: 1, ...grace }, pending: ago(20) },
  // Whether an occurrence counts as a run is decided by its run's insert, in the claim's last statement.
  { name: 'last-skipped', schedule: { periodically: '1 hour', when: ago(20).toISOString(), max_runs: 1, ...grace }, pending: ago(20), busy: true },
  { name: 'last-late', schedule: { periodically: '1 hour', when: ago(5000).toISOString(), max_runs: 1, misfire_grace_time: '1 second' }, pending: ago(5000) },
  { name: 'last-queued', schedule: { periodically: '1 hour', when: ago(20).toISOString(), max_runs: 1, ...grace }, overrides: { overlap: 'queue' }, pending: ago(20), busy: true },
];

async function setUp(jobId: string, c: Case): Promise<void> {
  const def = definition(jobId, c.schedule, c.overrides, c.definedAt ?? new Date(now));
  await insertJob(db, def, { next_run_at: c.pending, state: def.state });
  if (c.busy) await insertRun(db, { job_id: jobId, scheduled_for: ago(3_600_000), trigger: 'manual', status: 'running', host: 'elsewhere' });
  const instant = c.message ?? c.pending;
  await enqueueOccurrence(boss, db, jobId, instant);
}

/** What a claim left behind for a job, with its id and the digits of "N ms late" taken out. */
async function outcome(jobId: string) {
  const job = await db.selectFrom('jobs').select(['state', 'run_count', 'next_run_at', 'last_run_status']).where('job_id', '=', jobId).executeTakeFirstOrThrow();
  const runs = await db.selectFrom('runs').select(['scheduled_for', 'trigger', 'status', 'attempt', 'error']).where('job_id', '=', jobId).orderBy('scheduled_for').execute();
  const queued = await boss.findJobs<FireMessage>(FIRE_QUEUE, { data: { job_id: jobId } });
  return {
    job,
    runs: runs.map((r) => ({ ...r, error: r.error?.replace(/\d+ ms late/, 'N ms late') ?? null })),
    waiting: queued.filter((m) => m.state === 'created').map((m) => (m.data.kind === 'occurrence' ? m.data.scheduled_for : m.data.kind)),
  };
}

function summary(claim: Claim | undefined) {
  if (!claim) return undefined;
  if (claim.kind === 'paused') return { kind: claim.kind };
  return { kind: claim.kind, next: claim.next?.toISOString() ?? null, run: claim.kind === 'execute' ? claim.run.status : claim.recorded?.status, superseded: claim.superseded?.status };
}

test('a batch claims every case exactly as a batch of one does, and completes the messages in its transaction', async () => {
  const batch: Array<{ c: Case; jobId: string }> = [];
  const alone: Array<{ c: Case; jobId: string; claim: Claim }> = [];
  for (const c of cases) {
    await setUp(`alone-${c.name}`, c);
    await setUp(`batch-${c.name}`, c);
    batch.push({ c, jobId: `batch-${c.name}` });
  }
  // The messages as a worker fetches them (active): every case's two twins.
  const fetched = await boss.fetch<FireMessage>(FIRE_QUEUE, { batchSize: 100 });
  assert.equal(fetched.length, cases.length * 2);
  const messageOf = (jobId: string) => fetched.find((m) => m.data.job_id === jobId)!;
  for (const c of cases) {
    const m = messageOf(`alone-${c.name}`);
    assert.equal(m.data.kind, 'occurrence');
    const own = await claimOccurrences(deps, [{ id: m.id, job_id: m.data.job_id, scheduled_for: new Date((m.data as { scheduled_for: string }).scheduled_for) }]);
    assert.ok(own instanceof Map);
    alone.push({ c, jobId: `alone-${c.name}`, claim: own.get(m.id)! });
  }
  const claims = await claimOccurrences(
    deps,
    batch.map(({ jobId }) => {
      const m = messageOf(jobId);
      return { id: m.id, job_id: jobId, scheduled_for: new Date((m.data as { scheduled_for: string }).scheduled_for) };
    }),
  );
  assert.ok(claims instanceof Map);

  for (const { c, jobId, claim } of alone) {
    const twin = `batch-${c.name}`;
    assert.deepEqual(summary(claims.get(messageOf(twin).id)), summary(claim), `${c.name}: the claim's decision`);
    assert.deepEqual(await outcome(twin), await outcome(jobId), `${c.name}: runs, job and waiting messages`);
  }
  // Spot checks that the cases are what their names say.
  const decided = new Map(alone.map(({ c, claim }) => [c.name, summary(claim)]));
  assert.equal(decided.get('one-shot')?.run, 'running');
  assert.equal(decided.get('late')?.run, 'misfired');
  for (const [name, run] of [['one-shot-late', 'misfired'], ['one-shot-skip', 'skipped'], ['one-shot-queue', 'scheduled'], ['one-shot-allow', 'running'], ['one-shot-stale', undefined], ['one-shot-paused', undefined]]) {
    assert.equal(decided.get(name!)?.run, run, name);
  }
  assert.match((await outcome('batch-one-shot-late')).runs[0]!.error ?? '', /^started N ms late, past misfire_grace_time \(1000 ms\)$/);
  assert.deepEqual((await outcome('batch-backlog')).runs.map((r) => r.status), ['misfired', 'running']);
  assert.equal(decided.get('backlog')?.superseded, 'misfired', 'the superseded occurrence is reported with the run that stands for it');
  assert.equal(decided.get('skip')?.run, 'skipped');
  assert.equal(decided.get('queue')?.run, 'scheduled');
  assert.equal(decided.get('allow')?.run, 'running');
  assert.equal(decided.get('stale')?.run, undefined);
  for (const [name, run] of [['max-full', 'skipped'], ['one-shot-max-full', 'skipped'], ['max-room', 'running'], ['one-shot-max-room', 'running'], ['max-queue', 'running']]) {
    assert.equal(decided.get(name!)?.run, run, name);
  }
  for (const name of ['max-full', 'one-shot-max-full']) {
    assert.equal((await outcome(`batch-${name}`)).runs[1]!.error, 'not run: max_instances (1) runs of the job were already running', name);
  }
  const last = await outcome('batch-last');
  assert.deepEqual([last.job.state, last.job.run_count, last.job.next_run_at, last.waiting], ['finished', 1, null, []], 'the last run ends the job');
  assert.equal(decided.get('last')?.next, null);
  for (const name of ['last-skipped', 'last-late']) {
    const o = await outcome(`batch-${name}`);
    assert.deepEqual([o.job.state, o.job.run_count, o.waiting.length], ['running', 0, 1], `${name}: not a run, so the job goes on to its next occurrence`);
    assert.equal(o.job.last_run_status, name === 'last-late' ? 'misfired' : 'skipped', `${name}: its outcome is the job's last`);
  }
  const lastQueued = await outcome('batch-last-queued');
  assert.deepEqual([lastQueued.job.state, lastQueued.job.run_count, lastQueued.waiting], ['finished', 1, []], 'a queued occurrence counts as the run it will be');
  assert.equal((await outcome('batch-one-shot')).job.state, 'finished');
  assert.equal((await outcome('batch-hourly')).waiting.length, 1);
  assert.equal((await outcome('batch-hourly')).job.run_count, 1);
  const late = await outcome('batch-late');
  assert.match(late.runs[0]!.error ?? '', /^started N ms late, past misfire_grace_time \(1000 ms\)$/);
  assert.equal(late.job.run_count, 0);
  assert.equal(late.waiting.length, 1, 'a misfired occurrence still plans the next one');
  const skipped = await outcome('batch-skip');
  assert.deepEqual(skipped.runs.map((r) => [r.trigger, r.status]), [['manual', 'running'], ['schedule', 'skipped']]);
  assert.equal(skipped.runs[1]!.error, 'not run: the previous run was still running (overlap: skip)');
  assert.equal(skipped.job.run_count, 0, 'a skipped occurrence does not count as a run');
  for (const name of ['stale', 'paused']) {
    const o = await outcome(`batch-${name}`);
    assert.deepEqual(o.runs, [], `${name}: no run`);
    assert.deepEqual(decided.get(name), { kind: 'done', next: null, run: undefined, superseded: undefined }, name);
  }
  assert.equal((await outcome('batch-stale')).job.next_run_at?.getTime(), cases.find((c) => c.name === 'stale')!.pending.getTime(), 'a stale message leaves the job as it was');

  // Every message was completed with its claim, stale ones included.
  for (const { jobId } of [...batch, ...alone]) assert.equal((await boss.getJobById(FIRE_QUEUE, messageOf(jobId).id))?.state, 'completed', jobId);
});

/**
 * Sets each case up twice: on `${p}-ref-<name>`, claimed as pg-boss's fetch hands it over
 * (claimOccurrences, the reference), and on its twin `${p}-<name>`, left waiting for a take.
 * Returns the references' claims by case name.
 */
async function referenceClaims(p: string): Promise<Map<string, Claim>> {
  for (const c of cases) await setUp(`${p}-ref-${c.name}`, c);
  const fetched = await boss.fetch<FireMessage>(FIRE_QUEUE, { batchSize: 100 });
  assert.equal(fetched.length, cases.length);
  for (const c of cases) await setUp(`${p}-${c.name}`, c);
  const ref = new Map<string, Claim>();
  for (const c of cases) {
    const m = fetched.find((f) => f.data.job_id === `${p}-ref-${c.name}`)!;
    const own = await claimOccurrences(deps, [{ id: m.id, job_id: m.data.job_id, scheduled_for: new Date((m.data as { scheduled_for: string }).scheduled_for) }]);
    assert.ok(own instanceof Map);
    ref.set(c.name, own.get(m.id)!);
  }
  return ref;
}

/** Checks that each case's twin was claimed in `claims` as its reference was, with the same outcome, its message gone. */
async function assertClaimedAsReferences(p: string, ref: Map<string, Claim>, claims: readonly DueClaim[]): Promise<void> {
  for (const c of cases) {
    const mine = claims.find((d) => d.message.data.job_id === `${p}-${c.name}`);
    assert.ok(mine, c.name);
    assert.deepEqual(summary(mine.claim), summary(ref.get(c.name)), `${c.name}: the claim's decision`);
    assert.deepEqual(await outcome(`${p}-${c.name}`), await outcome(`${p}-ref-${c.name}`), `${c.name}: runs, job and waiting messages`);
    assert.equal(await boss.getJobById(FIRE_QUEUE, mine.message.id), null, `${c.name}: its message is gone`);
  }
}

// Up to 32 a take's one-shots are claimed by a statement of their own (claimTakenOneShots), past
// it by the worker's planner as every other occurrence: both must decide as a fetched batch does.
for (const [limit, p] of [[32, 'due'], [100, 'big']] as const) {
  test(`occurrences fetched with their claim (${limit} at most) are decided as fetched ones are, and deleted with it; attempts and the future are left`, async () => {
    const ref = await referenceClaims(p);
    await enqueueAttempt(boss, db, `${p}-attempt`, crypto.randomUUID(), 1, ago(10));
    await enqueueOccurrence(boss, db, `${p}-future`, new Date(now + 3_600_000));
    const due = await claimDueOccurrences(deps, limit);
    if (due === 'paused') throw new Error('the service is not paused');
    assert.deepEqual(due.claims.map((d) => d.message.data.job_id).sort(), cases.map((c) => `${p}-${c.name}`).sort(), 'every due occurrence, no attempt, nothing ahead');
    assert.equal(due.oneShotsNext, false, 'not a full take, nor of one-shot jobs alone');
    await assertClaimedAsReferences(p, ref, due.claims);
    assert.deepEqual(await claimDueOccurrences(deps, limit), { claims: [], oneShotsNext: false }, 'nothing is taken twice');
    const left = await boss.findJobs<FireMessage>(FIRE_QUEUE, { data: { job_id: `${p}-attempt` } });
    assert.deepEqual(left.map((m) => m.state), ['created']);
    await boss.deleteJob(FIRE_QUEUE, left[0]!.id);
  });
}

// While the takes find one-shot jobs alone, the worker asks for those alone (oneShotsOnly): their
// claim then commits in the take's round trip, and every other due message must wait, untouched,
// for the next take, which claims it as before.
test('a take of one-shot jobs alone decides them as fetched ones are, and leaves the other jobs\' messages to the next take', async () => {
  const p = 'only';
  const ref = await referenceClaims(p);
  const once = cases.filter((c) => c.schedule.periodically === undefined);
  const others = cases.filter((c) => c.schedule.periodically !== undefined);
  assert.ok(once.length > 0 && others.length > 0);
  const before = new Map(await Promise.all(others.map(async (c) => [c.name, await outcome(`${p}-${c.name}`)] as const)));

  const only = await claimDueOccurrences(deps, 32, { oneShotsOnly: true });
  if (only === 'paused') throw new Error('the service is not paused');
  assert.deepEqual(only.claims.map((d) => d.message.data.job_id).sort(), once.map((c) => `${p}-${c.name}`).sort(), 'the one-shot jobs\' messages alone');
  assert.equal(only.oneShotsNext, false, 'it left messages: the next take is a full one');
  for (const c of others) assert.deepEqual(await outcome(`${p}-${c.name}`), before.get(c.name), `${c.name}: untouched, its message waiting`);

  const rest = await claimDueOccurrences(deps, 32);
  if (rest === 'paused') throw new Error('the service is not paused');
  assert.deepEqual(rest.claims.map((d) => d.message.data.job_id).sort(), others.map((c) => `${p}-${c.name}`).sort(), 'the full take claims what was left');
  await assertClaimedAsReferences(p, ref, [...only.claims, ...rest.claims]);
});

test('a full take of one-shot jobs says the next may take them alone, which it does until the backlog is claimed', async () => {
  for (let i = 0; i < 4; i++) {
    await insertJob(db, definition(`backlog-${i}`, { when: ago(10).toISOString(), ...grace }, {}, new Date(now)), { next_run_at: ago(10), state: 'running' });
    await enqueueOccurrence(boss, db, `backlog-${i}`, ago(10));
  }
  await enqueueOccurrence(boss, db, 'backlog-ghost', ago(10));
  const takes: Array<{ oneShotsOnly: boolean; claimed: Array<[string, string]>; oneShotsNext: boolean }> = [];
  for (let oneShotsOnly = false; takes.length < 4; ) {
    const due = await claimDueOccurrences(deps, 2, { oneShotsOnly });
    if (due === 'paused') throw new Error('the service is not paused');
    takes.push({ oneShotsOnly, claimed: due.claims.map((d) => [d.message.data.job_id, d.claim.kind]), oneShotsNext: due.oneShotsNext });
    oneShotsOnly = due.oneShotsNext;
  }
  assert.deepEqual(
    takes.map((t) => [t.oneShotsOnly, t.claimed.length, t.oneShotsNext]),
    [
      [false, 2, true],
      [true, 2, true],
      [true, 1, false],
      [false, 0, false],
    ],
  );
  const claimed = takes.flatMap((t) => t.claimed).sort(([a], [b]) => a.localeCompare(b));
  assert.deepEqual(claimed, [['backlog-0', 'execute'], ['backlog-1', 'execute'], ['backlog-2', 'execute'], ['backlog-3', 'execute'], ['backlog-ghost', 'done']]);
  for (let i = 0; i < 4; i++) {
    const o = await outcome(`backlog-${i}`);
    assert.deepEqual([o.job.state, o.runs.map((r) => r.status), o.waiting], ['finished', ['running'], []], `backlog-${i}`);
  }

  // A take that meets another kind of job says so, even when full.
  await insertJob(db, definition('mixed-once', { when: ago(10).toISOString(), ...grace }, {}, new Date(now)), { next_run_at: ago(10), state: 'running' });
  await insertJob(db, definition('mixed-hourly', { periodically: '1 hour', when: ago(10).toISOString(), ...grace }, {}, new Date(now)), { next_run_at: ago(10), state: 'running' });
  for (const jobId of ['mixed-once', 'mixed-hourly']) await enqueueOccurrence(boss, db, jobId, ago(10));
  const mixed = await claimDueOccurrences(deps, 2);
  if (mixed === 'paused') throw new Error('the service is not paused');
  assert.deepEqual([mixed.claims.length, mixed.oneShotsNext], [2, false]);
});

test('a claim of due occurrences that fails writes nothing and leaves the messages waiting; a paused service takes none', async () => {
  await insertJob(db, definition('due-fail', { when: ago(10).toISOString(), ...grace }, {}, new Date(now)), { next_run_at: ago(10), state: 'running' });
  await enqueueOccurrence(boss, db, 'due-fail', ago(10));
  // A host name PostgreSQL cannot store (a NUL character) fails the take, which claims a one-shot job.
  // Either take: the one that claims one-shot jobs alone sends COMMIT with it, which then answers ROLLBACK.
  for (const oneShotsOnly of [false, true]) {
    await assert.rejects(claimDueOccurrences({ ...deps, host: 'bad\u0000host' }, 10, { oneShotsOnly }), /invalid byte sequence/);
    assert.deepEqual((await outcome('due-fail')).runs, []);
    assert.deepEqual((await outcome('due-fail')).waiting, [ago(10).toISOString()]);
  }
  await setServiceState(db, 'paused');
  try {
    assert.equal(await claimDueOccurrences(deps, 10), 'paused');
    assert.equal(await claimDueOccurrences(deps, 10, { oneShotsOnly: true }), 'paused');
    assert.deepEqual((await outcome('due-fail')).waiting, [ago(10).toISOString()]);
  } finally {
    await setServiceState(db, 'running');
  }
  const due = await claimDueOccurrences(deps, 10);
  if (due === 'paused') throw new Error('the service is not paused');
  assert.deepEqual(due.claims.map((c) => [c.message.data.job_id, c.claim.kind]), [['due-fail', 'execute']]);
});

test('a due occurrence whose job another transaction holds is left waiting, without waiting for it; one whose job is gone is taken and done', { timeout: 30_000 }, async () => {
  await insertJob(db, definition('due-held', { when: ago(10).toISOString(), ...grace }, {}, new Date(now)), { next_run_at: ago(10), state: 'running' });
  await enqueueOccurrence(boss, db, 'due-held', ago(10));
  await enqueueOccurrence(boss, db, 'due-ghost', ago(10));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let holding!: () => void;
  const held = new Promise<void>((r) => (holding = r));
  // A pause, a reschedule or a delete holds the job, then drops its message: the claim must not
  // wait for the job while it holds the message, or the two deadlock.
  const holder = db.transaction().execute(async (trx) => {
    await trx.selectFrom('jobs').select('job_id').where('job_id', '=', 'due-held').forUpdate().execute();
    holding();
    await released;
  });
  await held;
  try {
    const claims = await claimDueOccurrences(deps, 10, { oneShotsOnly: true });
    if (claims === 'paused') throw new Error('the service is not paused');
    assert.deepEqual(claims.claims.map((c) => [c.message.data.job_id, c.claim.kind]), [['due-ghost', 'done']], 'the held job is skipped, the ghost one is taken');
    assert.deepEqual(await claimDueOccurrences(deps, 10), { claims: [], oneShotsNext: false }, 'a full take skips it too');
    assert.deepEqual((await outcome('due-held')).waiting, [ago(10).toISOString()]);
  } finally {
    release();
    await holder;
  }
  const later = await claimDueOccurrences(deps, 10);
  if (later === 'paused') throw new Error('the service is not paused');
  assert.deepEqual(later.claims.map((c) => [c.message.data.job_id, c.claim.kind]), [['due-held', 'execute']]);
});

test('an occurrence enqueued again after its claim deleted its message is stored again, and claimed as stale: no second run', async () => {
  const at = ago(10);
  await insertJob(db, definition('again', { periodically: '1 hour', when: at.toISOString(), ...grace }, {}, new Date(now)), { next_run_at: at, state: 'running' });
  await enqueueOccurrence(boss, db, 'again', at);
  const first = await claimDueOccurrences(deps, 10);
  if (first === 'paused') throw new Error('the service is not paused');
  assert.deepEqual(first.claims.map((c) => [c.message.data.job_id, c.claim.kind]), [['again', 'execute']]);
  // pg-boss's id no longer guards it (the row is gone): the job does, whose pending occurrence moved on.
  await enqueueOccurrence(boss, db, 'again', at);
  const second = await claimDueOccurrences(deps, 10);
  if (second === 'paused') throw new Error('the service is not paused');
  assert.deepEqual(second.claims.map((c) => [c.message.data.job_id, c.claim.kind]), [['again', 'done']]);
  const o = await outcome('again');
  assert.deepEqual(o.runs.map((r) => [r.scheduled_for.getTime(), r.status]), [[at.getTime(), 'running']], 'one run for the instant');
  assert.equal(o.job.run_count, 1);
  assert.deepEqual(o.waiting, [new Date(at.getTime() + 3_600_000).toISOString()], 'the next occurrence alone waits');
});

test('a batch that fails writes nothing: no run, job unchanged, messages still active', async () => {
  await insertJob(db, definition('fail-a', { when: ago(10).toISOString() }, {}, new Date(now)), { next_run_at: ago(10), state: 'running' });
  await enqueueOccurrence(boss, db, 'fail-a', ago(10));
  const [m] = await boss.fetch<FireMessage>(FIRE_QUEUE, { batchSize: 1 });
  assert.ok(m);
  // A message id pg-boss cannot complete (not a uuid) fails the statement at the end of the transaction.
  await assert.rejects(claimOccurrences(deps, [{ id: 'not-a-uuid', job_id: 'fail-a', scheduled_for: ago(10) }]));
  const after = await outcome('fail-a');
  assert.deepEqual(after.runs, []);
  assert.equal(after.job.state, 'running');
  assert.equal(after.job.next_run_at?.getTime(), ago(10).getTime());
  assert.equal((await boss.getJobById(FIRE_QUEUE, m.id))?.state, 'active');
});

test('a batch names each job once, and holds everything while the service is paused', async () => {
  await assert.rejects(
    claimOccurrences(deps, [
      { id: crypto.randomUUID(), job_id: 'twice', scheduled_for: ago(1) },
      { id: crypto.randomUUID(), job_id: 'twice', scheduled_for: ago(2) },
    ]),
    /at most one occurrence per job/,
  );
  await insertJob(db, definition('held', { when: ago(10).toISOString() }, {}, new Date(now)), { next_run_at: ago(10), state: 'running' });
  await setServiceState(db, 'paused');
  try {
    assert.equal(await claimOccurrences(deps, [{ id: crypto.randomUUID(), job_id: 'held', scheduled_for: ago(10) }]), 'paused');
    assert.deepEqual((await outcome('held')).runs, []);
  } finally {
    await setServiceState(db, 'running');
  }
});

test('a job whose stored schedule cannot be planned is set aside; the rest of its batch is claimed', async () => {
  const hourly: Case = { name: 'healthy', schedule: { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, pending: ago(20) };
  const rule: Case = { name: 'rule', schedule: { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28', when: ago(20).toISOString(), ...grace }, pending: ago(20) };
  await setUp('planned-healthy', hourly);
  await setUp('planned-never', rule);
  // A rule that never occurs again, as a row written before its bounds existed would hold it.
  await db
    .updateTable('jobs')
    .set({ schedule: sql`jsonb_set(schedule, '{rule}', '"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"')` })
    .where('job_id', '=', 'planned-never')
    .execute();
  const fetched = (await boss.fetch<FireMessage>(FIRE_QUEUE, { batchSize: 100 })).filter((m) => m.data.job_id.startsWith('planned-'));
  assert.equal(fetched.length, 2);
  const claims = await claimOccurrences(
    deps,
    fetched.map((m) => ({ id: m.id, job_id: m.data.job_id, scheduled_for: new Date((m.data as { scheduled_for: string }).scheduled_for) })),
  );
  assert.ok(claims instanceof Map);
  const of = (jobId: string) => claims.get(fetched.find((m) => m.data.job_id === jobId)!.id)!;
  const healthy = of('planned-healthy');
  assert.equal(healthy.kind, 'execute');
  const never = of('planned-never');
  assert.equal(never.kind, 'done');
  assert.equal(never.kind === 'done' && never.unplannable?.job_id, 'planned-never');
  assert.match(never.kind === 'done' ? (never.unplannable?.error.message ?? '') : '', /rrule/);
  assert.deepEqual((await outcome('planned-never')).runs, [], 'nothing is written for the job set aside');
});

test("an occurrence queued behind its job starts when the job has room under max_instances, and waits while it is full", async () => {
  const def = definition('queued-max', { periodically: '1 hour', when: ago(20).toISOString(), ...grace }, { overlap: 'queue', max_instances: 2 }, new Date(now));
  await insertJob(db, def, { next_run_at: new Date(now + 3_600_000), state: 'running' });
  const running = (at: Date) => insertRun(db, { job_id: 'queued-max', scheduled_for: at, trigger: 'manual', status: 'running', host: 'elsewhere' });
  const queued = (at: Date) => insertRun(db, { job_id: 'queued-max', scheduled_for: at, trigger: 'schedule', status: 'scheduled' });
  await running(ago(7_000_000));
  const withRoom = await queued(ago(8_000_000));
  assert.equal((await claimRunAttempt(deps, 'queued-max', withRoom.run_id, 1)).kind, 'execute', 'one of two running: room for it');
  const full = await queued(ago(9_000_000));
  assert.equal((await claimRunAttempt(deps, 'queued-max', full.run_id, 1)).kind, 'done', 'two of two running: it waits');
  assert.equal((await db.selectFrom('runs').select('status').where('run_id', '=', full.run_id).executeTakeFirstOrThrow()).status, 'scheduled');
});
