import type { PgBoss } from 'pg-boss';
import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { DB, JobsTable } from '../db/schema.ts';
import { ScheduleError } from '../errors.ts';
import type { Job } from '../jobs/job.ts';
import { getJobForUpdate, rowToJob } from '../jobs/repository.ts';
import { atInstanceLimit, claimAttempt, findRun, insertOccurrenceRuns, occurrenceRows, prefixedRun, prefixedRunColumns, type OccurrenceRow } from '../runs/repository.ts';
import { claimedJobUpdates, updateClaimedJobs, type ClaimedJobUpdate } from '../runs/job-bookkeeping.ts';
import type { Run } from '../runs/run.ts';
import { fireQueueSql, occurrencePayload, type FireMessage, type FireQueueSql } from '../scheduler/fire-queue.ts';
import { coalesce, planAfter, type Coalesced } from '../scheduler/plan.ts';
import { getServiceState } from '../service-state/repository.ts';
import { PREPARE } from '../db/prepared-statements.ts';
import { pipelinedTransaction, pipelineOf, type Pipeline } from '../db/pipelined-transaction.ts';

/**
 * The claim sits between an occurrence's instant and its handler starting, so it commits without
 * waiting for the WAL flush (the flush is most of its time). Visibility and locking are unchanged,
 * so instances still cannot both claim; only a crash of PostgreSQL itself within a few ms of the
 * commit could forget a claim, and then the occurrence runs again after recovery.
 */
async function fastCommit(trx: Transaction<DB>): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(trx);
}

export interface ClaimDeps {
  db: Kysely<DB>;
  boss: PgBoss;
  host: string;
  /** pg-boss's schema: the claim writes its messages with pg-boss's own statements. */
  queueSchema: string;
}

/** What handling one message decided. */
export type Claim =
  /** A run this process now owns and must execute. */
  | { kind: 'execute'; job: Job; run: Run; next: Date | null; superseded?: Run | undefined }
  /** Recorded (misfired, skipped, queued) or nothing to do (stale, taken elsewhere). */
  | {
      kind: 'done';
      next: Date | null;
      recorded?: Run | undefined;
      superseded?: Run | undefined;
      job?: Job | undefined;
      /** The job's schedule could not be planned: nothing was written, and the job holds no next occurrence. */
      unplannable?: { job_id: string; error: ScheduleError } | undefined;
    }
  /** The service is paused: hold the message and ask again. */
  | { kind: 'paused' };

const SKIPPED_ERROR = 'not run: the previous run was still running (overlap: skip)';
// The twin of this text is in claimTakenOneShots's SQL.
const fullError = (maxInstances: number | null) => (maxInstances === null ? SKIPPED_ERROR : `not run: max_instances (${maxInstances}) runs of the job were already running`);
const supersededError = (latest: Date) => `not run: later occurrences came due while it waited (the latest, ${latest.toISOString()}, stands for them all)`;
const misfiredError = (job: Job, instant: Date, now: Date) =>
  `started ${now.getTime() - instant.getTime()} ms late, past misfire_grace_time (${job.schedule.misfireGraceMs} ms)`;

/**
 * Takes one attempt of an existing run (retry, run now, a queued occurrence's turn). A queued
 * occurrence still waits while another run of its job is running; the others start at once.
 */
export async function claimRunAttempt(deps: ClaimDeps, jobId: string, runId: string, attempt: number): Promise<Claim> {
  return deps.db.transaction().execute(async (trx): Promise<Claim> => {
    await fastCommit(trx);
    const job = await getJobForUpdate(trx, jobId);
    if (!job) return { kind: 'done', next: null };
    if ((await getServiceState(trx)) === 'paused') return { kind: 'paused' };
    const waiting = await findRun(trx, runId);
    if (!waiting || waiting.status !== 'scheduled' || waiting.attempt !== attempt) return { kind: 'done', next: null };
    const queuedOccurrence = waiting.trigger === 'schedule' && attempt === 1;
    if (queuedOccurrence && (await atInstanceLimit(trx, jobId, job.max_instances))) return { kind: 'done', next: null };
    const run = await claimAttempt(trx, runId, attempt, deps.host);
    return run ? { kind: 'execute', job, run, next: null } : { kind: 'done', next: null };
  });
}

/** A fetched occurrence message: its pg-boss id and the occurrence it names. */
export interface OccurrenceMessage {
  id: string;
  job_id: string;
  scheduled_for: Date;
}

/**
 * Handles fetched occurrences (of distinct jobs) in one transaction of a fixed number of
 * statements whatever their number. For each, under its job's row lock: a message that no
 * longer matches the job's pending occurrence (paused, rescheduled, deleted, already handled
 * elsewhere) is stale and changes nothing; otherwise a backlog is coalesced, the misfire grace
 * and the overlap policy applied, the run row written (the exactly-once point) and the next
 * occurrence enqueued. The jobs are locked in job_id order, the run rows inserted together, the
 * next occurrences enqueued together, the jobs updated together, and the messages completed in
 * the same transaction (so they are done exactly when their runs exist). Returns each message's claim by id, or 'paused' (nothing written) when the service is
 * paused. Throws when anything fails; nothing is then written and the caller may claim the
 * messages one at a time.
 */
export async function claimOccurrences(deps: ClaimDeps, messages: readonly OccurrenceMessage[]): Promise<Map<string, Claim> | 'paused'> {
  return pipelinedTransaction(deps.db, (tx) => claimOccurrencesIn(tx, deps, messages, messages.map((m) => m.id)));
}

/**
 * The occurrence a job created in `trx` holds, claimed in that same transaction (for a job due
 * now whose process has a free worker slot: it starts without passing through the queue, and no
 * message is enqueued for it); 'paused' when the service is paused (the caller enqueues it).
 */
export async function claimNewOccurrence(trx: Transaction<DB>, deps: ClaimDeps, jobId: string, instant: Date): Promise<Claim> {
  const claims = await claimOccurrencesIn(pipelineOf(trx), deps, [{ id: jobId, job_id: jobId, scheduled_for: instant }], []);
  return claims === 'paused' ? { kind: 'paused' } : claims.get(jobId)!;
}

/**
 * Fetches up to `limit` due occurrence messages and claims them, in ONE transaction of two round
 * trips. The first sends, with BEGIN, the take (the messages selected as pg-boss's fetch selects
 * them, and deleted, and their jobs locked: a message whose job another transaction holds is left
 * for a later fetch) and the claim of those of one-shot jobs (claimTakenOneShots). The second
 * writes the others as claimOccurrences does, with COMMIT, or is COMMIT alone. If it fails,
 * nothing is written and the messages wait as before, for this or another worker (pg-boss's own
 * fetch takes them then). Attempt messages are left to pg-boss's fetch. Returns the claims (stale
 * messages, a job's second one among them, are claimed as `done`), or 'paused' (nothing taken).
 *
 * With `oneShotsOnly` (what the last claim's `oneShotsNext` said) it takes only messages of
 * one-shot jobs, those of other jobs left for the next take, and sends COMMIT with the take: a
 * backlog of one-shot jobs is claimed in one round trip (claimDueOneShots).
 */
export async function claimDueOccurrences(deps: ClaimDeps, limit: number, options: { oneShotsOnly?: boolean } = {}): Promise<DueClaims | 'paused'> {
  const fire = await fireQueueSql(deps.boss, deps.queueSchema);
  const oneShotsToo = limit <= ONE_SHOTS_CLAIMED_UP_TO;
  if (oneShotsToo && options.oneShotsOnly) return claimDueOneShots(deps, fire, limit);
  const paused = new Error('paused');
  return pipelinedTransaction(deps.db, async (tx) => {
    const take = takeDueOccurrences(fire, limit, oneShotsToo);
    const [rows, oneShots = []] = await tx.send(oneShotsToo ? [take, claimTakenOneShots(deps.host)] : [take]);
    // Rolled back, the one-shots' claims with it: the messages were taken by the statement that read the state.
    if (rows.some((row) => row.service_state === 'paused')) throw paused;
    const messages = rows.map(takenMessage);
    const taken = messages.map(occurrenceOf);
    const claimed = oneShotClaims(oneShots, rows, taken);
    const rest = taken.filter((m) => !claimed.has(m.id));
    // A job's messages but one are stale (its id names the instant): no two of them can be live.
    const claims = await recordOccurrences(tx, deps, rest, rows.filter((row) => row.job_id !== null) as LockedJob[], []);
    // A full take of one-shot jobs (or of jobs gone): a backlog of them, which the next take may claim alone.
    const oneShotsNext = oneShotsToo && rows.length === limit && rows.every((row) => row.job_id === null || row.schedule.kind === 'once');
    return { claims: messages.map((message) => ({ message, claim: claimed.get(message.id) ?? claims.get(message.id)! })), oneShotsNext };
  }).catch((err: unknown) => {
    if (err === paused) return 'paused' as const;
    throw err;
  });
}

/**
 * claimDueOccurrences taking only one-shot jobs' messages (takeDueOneShots), their claim
 * (claimTakenOneShots) and COMMIT sent together: one round trip. Nothing is left for the planner:
 * a message it took whose job did not claim it is stale, or its job gone or not running, and
 * recordOccurrences would decide it `done` too. 'paused' when the service is: the take took
 * nothing then.
 */
async function claimDueOneShots(deps: ClaimDeps, fire: FireQueueSql, limit: number): Promise<DueClaims | 'paused'> {
  const [rows, oneShots] = await pipelinedTransaction(deps.db, (tx) => tx.send([takeDueOneShots(fire, limit), claimTakenOneShots(deps.host)], { commit: true }));
  if (rows[0]?.service_state === 'paused') return 'paused';
  const messages = rows.filter((row) => row.message_id !== null).map(takenMessage);
  const claimed = oneShotClaims(oneShots, rows, messages.map(occurrenceOf));
  // A full take: the due messages it looked at were all one-shot jobs' (or their jobs gone), so more may follow.
  return { claims: messages.map((message) => ({ message, claim: claimed.get(message.id) ?? { kind: 'done', next: null } })), oneShotsNext: messages.length === limit };
}

/** A message a take took, from its row. */
function takenMessage(row: { message_id: string | null; message_data: unknown }): DueClaim['message'] {
  return { id: row.message_id!, data: row.message_data as FireMessage & { kind: 'occurrence' } };
}

/** The occurrence a taken message names. */
function occurrenceOf({ id, data }: DueClaim['message']): OccurrenceMessage {
  const occurrence = data as FireMessage & { kind: 'occurrence' };
  return { id, job_id: occurrence.job_id, scheduled_for: new Date(occurrence.scheduled_for) };
}

/**
 * The largest take whose one-shots are claimed behind it (claimTakenOneShots). The planner counts
 * one row in each of that statement's CTEs, so its jobs' update finds each job's run by comparing
 * it with every run inserted: nothing at 10, 3–4 ms at 100, where the round trip it saves is the
 * smaller cost (throughput at concurrency 100: 80 % of pg-boss's with it, 92 % without;
 * bench/RESULTS.md).
 */
const ONE_SHOTS_CLAIMED_UP_TO = 32;

/** A message claimDueOccurrences took, and what its claim decided. */
export interface DueClaim {
  message: { id: string; data: FireMessage };
  claim: Claim;
}

/** What claimDueOccurrences claimed, and whether its next take may be of one-shot jobs only (`oneShotsOnly`). */
export interface DueClaims {
  claims: DueClaim[];
  oneShotsNext: boolean;
}

// `complete`: the fetched messages to complete with the claim (none for a job created here).
// Two round trips: BEGIN with the lock; then the runs, the jobs, the messages and COMMIT.
async function claimOccurrencesIn(tx: Pipeline, deps: ClaimDeps, messages: readonly OccurrenceMessage[], complete: readonly string[]): Promise<Map<string, Claim> | 'paused'> {
  if (new Set(messages.map((m) => m.job_id)).size !== messages.length) throw new Error('claimOccurrences: at most one occurrence per job');
  const [locked] = await tx.send([lockClaimedJobs(messages.map((m) => m.job_id))]);
  if (locked.some((row) => row.service_state === 'paused')) return 'paused';
  return recordOccurrences(tx, deps, messages, locked, complete);
}

/** A job's row as the claim's first statement locked it (with what that statement also read). */
type LockedJob = Selectable<JobsTable> & { service_state: string | null; fast_commit: string };

/**
 * A row of a claim's writes (recordClaims, claimTakenOneShots; CLAIMED_ROWS): a job as the claim
 * left it, or (its columns null) a run the claim inserted (prefixedRunColumns).
 */
type ClaimedRow = Selectable<JobsTable> & Record<`run.${string}`, unknown>;

/** A claim's jobs by id, and its runs by job and instant, from its rows. */
function claimedRows(rows: readonly ClaimedRow[]): { jobs: Map<string, Job>; runOf: (jobId: string, instant: Date) => Run | undefined } {
  const jobs = new Map<string, Job>();
  const runs = new Map<string, Run>();
  for (const row of rows) {
    const run = prefixedRun(row);
    if (run) runs.set(`${run.job_id}\n${run.scheduled_for.getTime()}`, run);
    else jobs.set(row.job_id, rowToJob(jobColumns(row)));
  }
  return { jobs, runOf: (jobId, instant) => runs.get(`${jobId}\n${instant.getTime()}`) };
}

/**
 * The claims of claimTakenOneShots's rows, by message id: each claimed job's is the message that
 * names the instant the take found it holding (a job's other messages, stale, are left out).
 */
function oneShotClaims(oneShots: readonly ClaimedRow[], locked: ReadonlyArray<{ job_id: string | null; next_run_at: Date | null }>, taken: readonly OccurrenceMessage[]): Map<string, Claim> {
  const { jobs, runOf } = claimedRows(oneShots);
  const held = new Map(locked.map((row) => [row.job_id, row.next_run_at?.getTime()]));
  const claims = new Map<string, Claim>();
  for (const message of taken) {
    const job = jobs.get(message.job_id);
    if (job && held.get(message.job_id) === message.scheduled_for.getTime()) claims.set(message.id, claimOf(job, runOf(job.job_id, message.scheduled_for)));
  }
  return claims;
}

/** The job's own columns of a row that also carries what the claim's statements read beside it. */
function jobColumns(row: LockedJob | ClaimedRow): Selectable<JobsTable> {
  const columns: Record<string, unknown> = {};
  for (const key in row) if (!NOT_JOB_COLUMNS.has(key) && !key.startsWith('run.')) columns[key] = row[key as keyof typeof row];
  return columns as Selectable<JobsTable>;
}
const NOT_JOB_COLUMNS = new Set(['service_state', 'fast_commit', 'message_id', 'message_data']);

/** What a live occurrence's claim decided, from its job and run as the claim left them. */
function claimOf(job: Job, run: Run | undefined, superseded?: Run): Claim {
  const next = job.next_run_at;
  return run?.status === 'running' ? { kind: 'execute', job, run, next, superseded } : { kind: 'done', next, recorded: run, superseded, job };
}

// The claim's second round trip: decides each occurrence under its job's lock, then writes it all.
async function recordOccurrences(
  tx: Pipeline,
  deps: ClaimDeps,
  messages: readonly OccurrenceMessage[],
  locked: readonly LockedJob[],
  complete: readonly string[],
): Promise<Map<string, Claim>> {
  const jobs = new Map(locked.map((row) => [row.job_id, rowToJob(jobColumns(row))]));
  const now = new Date();
  const claims = new Map<string, Claim>();
  const live: Array<{ message: OccurrenceMessage; instant: Date; superseded: boolean }> = [];
  const rows: OccurrenceRow[] = [];
  const updates: ClaimedJobUpdate[] = [];
  const nexts: Array<{ job_id: string; scheduled_for: Date }> = [];
  for (const message of messages) {
    const job = jobs.get(message.job_id);
    if (!job || job.state !== 'running' || job.next_run_at?.getTime() !== message.scheduled_for.getTime()) {
      claims.set(message.id, { kind: 'done', next: null });
      continue;
    }
    let plan: Coalesced;
    let ifNot: Date | null;
    let ifRan: Date | null;
    try {
      plan = coalesce(job.schedule, message.scheduled_for, now, job.run_count);
      // Whether it runs is decided by the run insert, in the statement below; a run can only end
      // the job (max_runs), so the next instant if it does not is the only message to plan.
      ifNot = planAfter(job.schedule, plan.instant, job.run_count);
      ifRan = plan.decision === 'run' ? planAfter(job.schedule, plan.instant, job.run_count + 1) : ifNot;
    } catch (error) {
      // One job's schedule past bosun's search bounds must not fail the batch it came in.
      if (!(error instanceof ScheduleError)) throw error;
      claims.set(message.id, { kind: 'done', next: null, unplannable: { job_id: job.job_id, error } });
      continue;
    }
    const base = { job_id: job.job_id, overlap: job.overlap, max_instances: job.max_instances };
    if (plan.superseded) rows.push({ ...base, scheduled_for: message.scheduled_for, kind: 'misfired', error: supersededError(plan.instant) });
    if (plan.decision === 'misfired') rows.push({ ...base, scheduled_for: plan.instant, kind: 'misfired', error: misfiredError(job, plan.instant, now) });
    else rows.push({ ...base, scheduled_for: plan.instant, kind: 'due', error: fullError(job.max_instances) });
    live.push({ message, instant: plan.instant, superseded: plan.superseded });
    if (ifRan !== null && ifRan.getTime() !== ifNot?.getTime()) throw new Error(`claim: job ${job.job_id} plans two different next instants`);
    updates.push({ job_id: job.job_id, instant: plan.instant, due: plan.decision === 'run', run_count: job.run_count, next_if_ran: ifRan, next_if_not: ifNot });
    if (ifNot !== null) nexts.push({ job_id: job.job_id, scheduled_for: ifNot });
  }
  if (live.length === 0 && complete.length === 0) return claims;
  const fire = await fireQueueSql(deps.boss, deps.queueSchema);
  const payload = JSON.stringify(await Promise.all(nexts.map((n) => occurrencePayload(n.job_id, n.scheduled_for))));
  const [written] = await tx.send([recordClaims(deps.host, rows, updates, fire, payload, complete)], { commit: true });
  const { jobs: stored, runOf } = claimedRows(written);
  for (const { message, instant, superseded } of live) {
    const job = stored.get(message.job_id)!;
    claims.set(message.id, claimOf(job, runOf(job.job_id, instant), superseded ? runOf(job.job_id, message.scheduled_for) : undefined));
  }
  return claims;
}

/**
 * The claim's writes as ONE statement, sent once the jobs are locked: the run rows (whose status
 * the overlap policy decides from the runs this statement's snapshot sees), the jobs' update that
 * follows from them, pg-boss's insert of the next occurrences' messages of the jobs that hold one
 * (`payload` has a message for every job that may; the update says which do), and its completion
 * of the fetched messages (a take deletes its own). Returns the jobs as it left them and the runs
 * it inserted (CLAIMED_ROWS). No NOTIFY for a next occurrence already due
 * (a backlog): this worker arms its timer for each next occurrence (dispatch), so it fetches it
 * at once. Each CTE runs once whether referenced or not (PostgreSQL runs every data-modifying one).
 */
function recordClaims(host: string, rows: readonly OccurrenceRow[], updates: readonly ClaimedJobUpdate[], fire: FireQueueSql, payload: string, complete: readonly string[]): RawBuilder<ClaimedRow> {
  const held = sql`(
    select coalesce(json_agg(m), '[]') from json_array_elements(${payload}::json) m join claimed c on c.job_id = m->'data'->>'job_id'
    where c.next_run_at is not null)`;
  // Only when there are messages to complete (a batch pg-boss's fetch took): with none, its
  // generic plan would still scan the queue's active messages for an empty list of ids.
  const completed = complete.length === 0 ? sql`` : sql`, completed as (${fire.complete(complete)})`;
  return sql`
    ${sql.raw(PREPARE)} with inserted as (${insertOccurrenceRuns(host, occurrenceRows(rows))}),
    claimed as (${updateClaimedJobs(claimedJobUpdates(updates), 'inserted')}),
    messages as (${fire.insert(held)})${completed}
    ${CLAIMED_ROWS}`;
}

/**
 * The end of a claim's writes whose CTE `claimed` is updateClaimedJobs and `inserted`
 * insertOccurrenceRuns: its jobs and its runs as rows of their own (ClaimedRow), not joined. The
 * planner counts one row in each CTE, and would join them by comparing each with each.
 */
const CLAIMED_ROWS = sql`select (c.job).*, ${prefixedRunColumns('(null::runs)')} from claimed c
    union all
    select (null::jobs).*, ${prefixedRunColumns('i')} from inserted i`;

/** What a claim's first statement reads beside the jobs: the service state, and the switch to a commit that does not wait for the WAL flush (see fastCommit). */
const CLAIM_READS = sql`set_config('synchronous_commit', 'off', true) as fast_commit,
      (select s.value->>'state' from service_settings s where s.key = 'service_state') as service_state`;

/**
 * The statement that takes up to `limit` due occurrence messages and locks their jobs in job_id
 * order, reading the service state: a row per message taken, with its job's columns (null when
 * the job is gone). It never waits: the messages and the jobs are locked SKIP LOCKED, and a
 * message whose job another transaction holds is left waiting (and unlocked at the end). Taking
 * the message first and then waiting for its job would be the reverse of the order of a pause,
 * a reschedule or a delete (the job, then its message), and the two could deadlock. With
 * `handOver` it hands the messages taken to claimTakenOneShots, sent behind it, in the
 * transaction's setting TAKEN.
 */
function takeDueOccurrences(fire: FireQueueSql, limit: number, handOver: boolean): RawBuilder<Omit<LockedJob, 'job_id'> & { job_id: string | null; message_id: string; message_data: unknown }> {
  return sql`
    ${sql.raw(PREPARE)} with due as (${fire.dueOccurrences(limit)}),
    locked as (select j.* from jobs j where j.job_id in (select d.data->>'job_id' from due d) order by j.job_id for update of j skip locked),
    taken as (${fire.takeMessages('due', MINE)})${handOver ? HAND_OVER : sql``}
    select l.*, t.id as message_id, t.data as message_data, ${CLAIM_READS}
    from taken t left join locked l on l.job_id = t.data->>'job_id'${handOver ? sql` cross join handed` : sql``}`;
}

// A due message a take takes: its job is locked by the take, or gone (its claim is then `done`).
const MINE = sql`due.data->>'job_id' in (select l.job_id from locked l)
    or not exists (select 1 from jobs g where g.job_id = due.data->>'job_id')`;

/**
 * takeDueOccurrences for claimDueOneShots: only the messages of one-shot jobs (and of jobs gone)
 * are taken, the others left waiting; each row has only what the one-shots' claim does not return
 * (the job's id and instant held). Its transaction commits in the same round trip, so it takes
 * nothing while the service is paused, where takeDueOccurrences's is rolled back; it always
 * returns a row with the service state (message_id null when it took nothing).
 */
function takeDueOneShots(fire: FireQueueSql, limit: number): RawBuilder<{ job_id: string | null; next_run_at: Date | null; message_id: string | null; message_data: unknown; service_state: string | null }> {
  return sql`
    ${sql.raw(PREPARE)} with reads as (select ${CLAIM_READS}),
    due as (${fire.dueOccurrences(limit)}),
    locked as (select j.job_id, j.next_run_at from jobs j where j.job_id in (select d.data->>'job_id' from due d) and j.schedule->>'kind' = 'once'
      order by j.job_id for update of j skip locked),
    taken as (${fire.takeMessages('due', sql`(${MINE}) and (select r.service_state from reads r) is distinct from 'paused'`)})${HAND_OVER}
    select l.job_id, l.next_run_at, t.id as message_id, t.data as message_data, r.service_state
    from reads r cross join handed left join (taken t left join locked l on l.job_id = t.data->>'job_id') on true`;
}

/** The transaction-local setting in which the take hands its messages (`[[id, job_id, scheduled_for], …]`) to the one-shots' claim. */
const TAKEN = 'bosun.taken';

// The take's CTE that sets TAKEN, joined to its rows: once, not once a row (a CTE calling a
// volatile function is evaluated once; one that modifies nothing, only when referenced).
const HAND_OVER = sql`,
    handed as (select set_config(${TAKEN}, coalesce(json_agg(json_build_array(h.id, h.data->>'job_id', h.data->>'scheduled_for')), '[]')::text, true) from taken h)`;

/**
 * The claim of the live occurrences of one-shot jobs among the messages the take (sent before it,
 * in the same round trip) took: the jobs as it left them and the runs it inserted (CLAIMED_ROWS).
 * Their claim needs no planner: a `once` schedule has no backlog to coalesce and no next instant
 * (coalesce, planAfter), so it is written here as recordOccurrences writes it, with the misfire
 * rule of misfireDecision and the error text of misfiredError; a claim of a queue's jobs then does
 * its work in one round trip, not two (bench/RESULTS.md). It is a statement of its own, not part
 * of the take, because the overlap check must see the runs as they are once the jobs are locked,
 * and a statement's snapshot is taken before it locks anything; the take's jobs are locked by this
 * transaction until it ends, so it reads them without locking.
 */
function claimTakenOneShots(host: string): RawBuilder<ClaimedRow> {
  const late = sql`o.late_ms > o.grace_ms`;
  return sql`
    ${sql.raw(PREPARE)} with taken as (
      select m->>0 as message_id, m->>1 as job_id, (m->>2)::timestamptz as scheduled_for
      from json_array_elements(coalesce(nullif(current_setting(${TAKEN}, true), ''), '[]')::json) m),
    once as (
      select j.job_id, j.next_run_at as instant, j.overlap, j.max_instances, j.run_count,
        extract(epoch from now() - j.next_run_at) * 1000 as late_ms, (j.schedule->>'misfireGraceMs')::float8 as grace_ms,
        j.schedule->>'misfireGraceMs' as grace
      -- Each job by its primary key (the fence keeps the planner from joining otherwise: right
      -- after a bulk create, stale statistics made it scan every job due, 9 ms a claim). The
      -- conditions stay outside it: inside, the planner counts a row a message and plans the
      -- jobs' update as a scan of every job (37 % of pg-boss's throughput instead of 71 %).
      from taken t cross join lateral (select * from jobs j where j.job_id = t.job_id offset 0) j
      where j.schedule->>'kind' = 'once' and j.state = 'running' and j.next_run_at = t.scheduled_for),
    inserted as (${insertOccurrenceRuns(
      host,
      sql`(select o.job_id, o.instant, case when ${late} then 'misfired' else 'due' end, o.overlap, o.max_instances,
        case when ${late} then format('started %s ms late, past misfire_grace_time (%s ms)', floor(o.late_ms)::bigint, o.grace)
          when o.max_instances is null then ${SKIPPED_ERROR}
          else format('not run: max_instances (%s) runs of the job were already running', o.max_instances) end
        from once o) as v(job_id, scheduled_for, kind, overlap, max_instances, error)`,
    )}),
    claimed as (${updateClaimedJobs(
      sql`(select o.job_id, o.instant, not (${late}), o.run_count, null::timestamptz, null::timestamptz from once o)
        as v(job_id, instant, due, run_count, next_if_ran, next_if_not)`,
      'inserted',
    )})
    ${CLAIMED_ROWS}`;
}

/** The statement that locks the jobs (in job_id order) and reads the service state; the claim commits without waiting for the WAL flush (see fastCommit). */
function lockClaimedJobs(jobIds: readonly string[]): RawBuilder<LockedJob> {
  return sql`
    ${sql.raw(PREPARE)} select j.*, ${CLAIM_READS}
    from jobs j where j.job_id = any(${[...jobIds]}::text[])
    order by j.job_id for update of j`;
}
