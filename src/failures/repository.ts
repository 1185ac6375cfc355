import type { Db } from '../jobs/repository.ts';
import { redactText } from '../redaction/redact-text.ts';
import { redactValue } from '../redaction/redact-value.ts';
import type { Failure } from './failure.ts';

/** What is recorded about one failed attempt. */
export interface FailureRecord {
  job_id: string;
  run_id: string | null;
  handler: string;
  kwargs: Record<string, unknown>;
  owner: string | null;
  error_name: string;
  message: string;
  stack: string | null;
  attempt: number;
  host: string | null;
}

/**
 * Writes one failure row (call it in the transaction that settles the attempt). Its kwargs, message
 * and stack are stored redacted (src/redaction/): a failure row is a copy, read by more people
 * than the job, and the job keeps what it needs to run.
 */
export async function insertFailure(db: Db, record: FailureRecord): Promise<Failure> {
  return db
    .insertInto('failures')
    .values({
      ...record,
      kwargs: JSON.stringify(redactValue(record.kwargs)),
      message: redactText(record.message),
      stack: record.stack === null ? null : redactText(record.stack),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes failures recorded before `before`; returns how many. */
export async function pruneFailures(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('failures').where('failed_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
