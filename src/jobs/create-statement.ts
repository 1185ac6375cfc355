import { sql, type Selectable } from 'kysely';
import type { PgBoss } from 'pg-boss';
import { auditEntryInsert } from '../audit/repository.ts';
import type { NewAuditEntry } from '../audit/audit-entry.ts';
import { PREPARE } from '../db/prepared-statements.ts';
import type { JobsTable, JobState } from '../db/schema.ts';
import { fireQueueSql, FIRE_QUEUE, occurrencePayload } from '../scheduler/fire-queue.ts';
import type { Job, JobDefinition } from './job.ts';
import { definitionValues, jobIdTaken, NEW_JOB_COLUMNS, rowToJob, type Db } from './repository.ts';

export interface NewJobWrite {
  /** The job's first occurrence (null: it holds none) and the state that follows from it. */
  planned: { next_run_at: Date | null; state: JobState };
  /** The occurrence is due now: wake the workers listening to pg-boss, as pg-boss's send does. */
  due: boolean;
  /** Its `created` audit entry, when the change is audited. */
  audit?: NewAuditEntry | undefined;
}

/**
 * Writes a new job, its first occurrence's message (pg-boss's own insert, with its NOTIFY when
 * due) and its audit entry as ONE statement: atomic without a transaction, one round trip where
 * BEGIN, three inserts and COMMIT were five. On this 2-core machine each round trip costs both
 * processes a wake-up, which made them most of a create's price (bench/RESULTS.md).
 * ConflictError (field job_id) when the id is taken; nothing is written then.
 */
export async function insertJobWithOccurrence(db: Db, boss: PgBoss, bossSchema: string, def: JobDefinition, write: NewJobWrite): Promise<Job> {
  const fire = await fireQueueSql(boss, bossSchema);
  const { next_run_at, state } = write.planned;
  const payload = next_run_at === null ? null : JSON.stringify([await occurrencePayload(def.job_id, next_run_at)]);
  const v = definitionValues(def);
  // The text varies only with the audit entry's presence: two prepared statements per connection.
  const audit = write.audit ? sql`, audit as (${auditEntryInsert(write.audit)})` : sql``;
  try {
    const { rows } = await sql<Selectable<JobsTable> & { notified: string }>`${sql.raw(PREPARE)}
      with job as (
        insert into jobs (${NEW_JOB_COLUMNS})
        values (${def.job_id}, ${v.handler}, ${v.kwargs}::jsonb, ${v.description}, ${v.schedule_input}::jsonb, ${v.schedule}::jsonb, ${state}, ${v.overlap},
          ${v.timeout_ms}::int, ${v.retries}::int, ${v.retry_delay_ms}::int, ${v.retry_backoff}::float8, ${v.owner}, ${v.source}, ${next_run_at}::timestamptz, ${v.name}, ${v.max_instances}::int,
          ${v.extended_properties}::jsonb, ${v.labels}::jsonb, ${v.on_finish})
        returning *),
      message as (${fire.insert(payload)}),
      -- Referenced below, or PostgreSQL would not evaluate it.
      notified as (select pg_notify(${sql.raw(fire.notifyChannel)}, ${FIRE_QUEUE}) from message where ${write.due}::bool limit 1)${audit}
      select job.*, (select count(*) from notified) as notified from job`.execute(db);
    const { notified: _, ...row } = rows[0]!;
    return rowToJob(row);
  } catch (err) {
    // The primary key refuses a taken id, and the whole statement with it.
    const { code, constraint } = err as { code?: string; constraint?: string };
    throw code === '23505' && constraint === 'jobs_pkey' ? jobIdTaken(def.job_id) : err;
  }
}
