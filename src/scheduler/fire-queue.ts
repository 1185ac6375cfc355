import { fromKysely, type PgBoss } from 'pg-boss';
import { completeJobsDistributed, fetchNextJob, insertJobs, notifyChannelSql } from 'pg-boss/dist/plans.js';
import { sql, type RawBuilder } from 'kysely';
import { embedBossPlan } from '../queue/boss-plan.ts';
import type { Db } from '../jobs/repository.ts';
import { attemptMessageId, deterministicUuid, occurrenceMessageId } from './message-id.ts';
import { inNewRunTrace, inRunTrace } from '../tracing/enqueue-trace.ts';
import { withTraceContext, type TracedMessageData } from '../tracing/message-trace.ts';
import { isoInstant } from '../time/iso-instant.ts';

/** The pg-boss queue every firing of every bosun job travels through. */
export const FIRE_QUEUE = 'bosun-fire';

/** What a message on FIRE_QUEUE asks for: an occurrence of a job, or one attempt of an existing run. */
export type FireMessage = (
  | { kind: 'occurrence'; job_id: string; scheduled_for: string }
  | { kind: 'attempt'; job_id: string; run_id: string; attempt: number }
) &
  TracedMessageData;

// Deferred messages may wait for months (a yearly cron); pg-boss would drop them after its
// default 14 days in `created`, so they are kept for ten years.
const RETENTION_SECONDS = 10 * 365 * 86_400;
// A worker that dies is noticed by bosun's own run heartbeat (src/runs/reaper.ts); pg-boss's
// expiry only has to redeliver a message whose holder died before it recorded anything.
const EXPIRE_SECONDS = 15 * 60;

/** Creates FIRE_QUEUE if it does not exist (idempotent; every instance calls it at start). */
export async function ensureFireQueue(boss: PgBoss): Promise<void> {
  const existing = await boss.getQueue(FIRE_QUEUE);
  if (existing) return;
  await boss
    .createQueue(FIRE_QUEUE, {
      retryLimit: 5,
      retryDelay: 1,
      expireInSeconds: EXPIRE_SECONDS,
      retentionSeconds: RETENTION_SECONDS,
      deleteAfterSeconds: 86_400,
      notify: true,
    })
    .catch(async (err: unknown) => {
      // Two instances starting together both see no queue; the loser's create fails harmlessly.
      if (!(await boss.getQueue(FIRE_QUEUE))) throw err;
    });
}

/** Enqueues a job's occurrence in the caller's transaction; false when it was already enqueued. */
export async function enqueueOccurrence(boss: PgBoss, db: Db, jobId: string, scheduledFor: Date): Promise<boolean> {
  const data: FireMessage = { kind: 'occurrence', job_id: jobId, scheduled_for: isoInstant(scheduledFor) };
  // Each occurrence is a new run, so a new trace (docs/operations.md, Traces), pg-boss's send span in it.
  const id = await inNewRunTrace({ job_id: jobId, scheduled_for: data.scheduled_for }, () =>
    boss.send(FIRE_QUEUE, withTraceContext(data), {
      id: occurrenceMessageId(jobId, scheduledFor),
      startAfter: scheduledFor,
      retentionSeconds: RETENTION_SECONDS,
      db: fromKysely(db),
    }),
  );
  return id !== null;
}

/** What pg-boss's insert takes for one occurrence's message (its run's trace starts here). */
export interface OccurrencePayload {
  id: string;
  data: FireMessage;
  startAfter: Date;
  retentionSeconds: number;
}

/** The message of a job's occurrence, as pg-boss's insert takes it; it starts the trace of the run it will be. */
export function occurrencePayload(jobId: string, scheduledFor: Date): Promise<OccurrencePayload> {
  const data: FireMessage = { kind: 'occurrence', job_id: jobId, scheduled_for: isoInstant(scheduledFor) };
  // Its `enqueue run` span covers building the message, not the insert that may carry others too.
  return inNewRunTrace({ job_id: jobId, scheduled_for: data.scheduled_for }, async () => ({
    id: occurrenceMessageId(jobId, scheduledFor),
    data: withTraceContext(data),
    startAfter: scheduledFor,
    retentionSeconds: RETENTION_SECONDS,
  }));
}

/**
 * Enqueues many jobs' occurrences in the caller's transaction with one insert per 1000 (bulk
 * creation, a fetched batch's claim); an occurrence already enqueued is left as it is, as with
 * enqueueOccurrence.
 */
export async function enqueueOccurrences(boss: PgBoss, db: Db, occurrences: ReadonlyArray<{ job_id: string; scheduled_for: Date }>): Promise<void> {
  for (let i = 0; i < occurrences.length; i += 1000) {
    const chunk = occurrences.slice(i, i + 1000);
    const messages = await Promise.all(chunk.map(({ job_id, scheduled_for }) => occurrencePayload(job_id, scheduled_for)));
    await boss.insert(FIRE_QUEUE, messages, { db: fromKysely(db) });
  }
}

/**
 * pg-boss's own statements on FIRE_QUEUE (the texts its insert() and complete() run), bound to
 * values, to be CTEs of a statement of bosun's: a create writes its job, its first occurrence's
 * message and its audit entry in one statement (src/jobs/create-statement.ts), a claim its
 * jobs' update, their next messages and the fetched messages' completion (src/worker/claim.ts).
 */
export interface FireQueueSql {
  /**
   * Inserts messages (`payload`: a JSON array of OccurrencePayload, an SQL expression yielding
   * one, or null for none); returns their ids, without pg-boss's NOTIFY.
   */
  insert(payload: string | RawBuilder<unknown> | null): RawBuilder<unknown>;
  /** Completes fetched (active) messages, as complete() without output; returns their ids. */
  complete(ids: readonly string[]): RawBuilder<unknown>;
  /**
   * Up to `limit` occurrence messages due now, as pg-boss's fetch selects them (its conditions
   * and order, from fetchNextJob), locked FOR UPDATE SKIP LOCKED and left as they are: a CTE body
   * with rows `id`, `data`, for a claim that fetches and claims in one transaction
   * (claimDueOccurrences; takeMessages then deletes those it claims).
   */
  dueOccurrences(limit: number): RawBuilder<unknown>;
  /**
   * Deletes the messages of the CTE `from` (rows of dueOccurrences) for which `where` holds;
   * returns their `id` and `data`. Within the transaction that claims them: if it rolls back,
   * the messages wait as before, and none is ever seen active. See takeAndDelete for why they
   * are deleted rather than completed.
   */
  takeMessages(from: string, where: RawBuilder<unknown>): RawBuilder<unknown>;
  /** The expression of the channel pg-boss's workers LISTEN on, for a NOTIFY of bosun's own. */
  notifyChannel: string;
}

const statements = new WeakMap<PgBoss, Promise<FireQueueSql>>();

/** FIRE_QUEUE's statements as pg-boss builds them for `schema` (asked once per pg-boss instance). */
export function fireQueueSql(boss: PgBoss, schema: string): Promise<FireQueueSql> {
  let found = statements.get(boss);
  if (found === undefined) {
    found = boss.getQueue(FIRE_QUEUE).then((queue) => {
      if (!queue) throw new Error(`pg-boss queue ${FIRE_QUEUE} does not exist (ensureFireQueue was not called)`);
      const insert = insertJobs(schema, { table: queue.table, name: FIRE_QUEUE, returnId: true, notify: false });
      const complete = completeJobsDistributed(schema, queue.table, false, false);
      const due = dueSelection(schema, queue.table, queue.policy);
      return {
        // A pg-boss upgrade that changed these shows in test/integration/engine/fire-queue-sql.test.ts.
        insert: (payload) => embedBossPlan(insert, [payload]),
        complete: (ids) => embedBossPlan(complete, [FIRE_QUEUE, [...ids], null]),
        dueOccurrences: (limit) => embedBossPlan(due, [limit]),
        takeMessages: (from, where) => sql`${sql.raw(takeAndDelete(schema, queue.table, from))} AND (${where}) RETURNING j.id, j.data`,
        notifyChannel: notifyChannelSql(schema),
      };
    });
    found.catch(() => statements.delete(boss));
    statements.set(boss, found);
  }
  return found;
}

/**
 * The delete of the messages of the CTE `from`, open for more conditions and a RETURNING. A taken
 * occurrence's record is its run row, written in the same transaction, and a later message for
 * the same instant is stale by its job (whose pending occurrence has moved on), so the message has
 * nothing left to say. pg-boss's fetch and complete() would leave it completed for a day
 * (deleteAfterSeconds): a new row version with an entry in each of the queue's indexes, written on
 * the claim's path, for a row nobody reads. Deleting it writes neither (bench/RESULTS.md: about
 * +7 % throughput at concurrency 10). Messages pg-boss's own fetch() took (attempts, and
 * occurrences when a take failed) are still completed with pg-boss's statement.
 */
function takeAndDelete(schema: string, table: string, from: string): string {
  return `DELETE FROM ${schema}.${table} j USING "${from}" WHERE j.name = '${FIRE_QUEUE}' AND j.id = "${from}".id`;
}

/**
 * The `next` CTE of pg-boss's fetch for FIRE_QUEUE (`SELECT j.id … FOR UPDATE OF j SKIP LOCKED`),
 * with the messages' data, occurrences only (attempts keep pg-boss's own fetch), its limit as $1
 * (one text for any limit, so one prepared statement).
 */
function dueSelection(schema: string, table: string, policy: string | undefined): string {
  const { text } = fetchNextJob({ schema, table, name: FIRE_QUEUE, policy, limit: 1, includeMetadata: false });
  const next = /next AS \(\s*(SELECT j\.id\s+FROM [\s\S]*?)\n\s*ORDER BY ([^\n]+)\n\s*LIMIT 1\n\s*(FOR UPDATE OF j SKIP LOCKED)\s*\)/.exec(text);
  if (!next) throw new Error("pg-boss's fetch statement is not the one bosun knows (pg-boss upgraded?): cannot select due occurrences");
  const [, selection, order, lock] = next;
  return `${selection!.replace(/^SELECT j\.id\b/, 'SELECT j.id, j.data')}\n AND j.data->>'kind' = 'occurrence'\n ORDER BY ${order} LIMIT $1 ${lock}`;
}

/**
 * Enqueues one attempt of a run to start after `startAfter`, in the caller's transaction. A
 * `nonce` gives a fresh message for an attempt already sent once (a queued run dispatched
 * again); duplicates are harmless, as only one worker can claim the attempt.
 */
export async function enqueueAttempt(boss: PgBoss, db: Db, jobId: string, runId: string, attempt: number, startAfter: Date, nonce?: string): Promise<void> {
  const data: FireMessage = { kind: 'attempt', job_id: jobId, run_id: runId, attempt };
  const id = nonce === undefined ? attemptMessageId(runId, attempt) : deterministicUuid('attempt', runId, String(attempt), nonce);
  // A first attempt starts its run's trace; a retry continues the trace of the attempt that failed.
  const send = () => boss.send(FIRE_QUEUE, withTraceContext(data), { id, startAfter, db: fromKysely(db) });
  await (attempt === 1 ? inNewRunTrace : inRunTrace)({ job_id: jobId, run_id: runId, attempt }, send);
}

/**
 * Drops a pending occurrence (job paused, rescheduled or deleted). The message is deleted, not
 * cancelled: its id is derived from (job, instant), so a kept cancelled message would make a
 * later enqueue of the same occurrence (resumed before that instant, or the job deleted and
 * created again) a no-op, and it would never fire. A worker claiming it meanwhile finds the job
 * no longer holds it (the caller holds the job's lock) and does nothing.
 */
export async function dropOccurrence(boss: PgBoss, db: Db, jobId: string, scheduledFor: Date): Promise<void> {
  await boss.deleteJob(FIRE_QUEUE, occurrenceMessageId(jobId, scheduledFor), { db: fromKysely(db) });
}
