import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Failure } from '../../failures/failure.ts';
import { sortOf, type PageQuery } from './pagination.ts';

/** Filters of GET /failures and DELETE /failures. */
export interface FailureFilter {
  owner?: string | undefined;
  job_id?: string | undefined;
  run_id?: string | undefined;
  handler?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filtered(db: Kysely<DB>, f: FailureFilter) {
  let base = db.selectFrom('failures');
  if (f.owner !== undefined) base = base.where('owner', '=', f.owner);
  if (f.job_id !== undefined) base = base.where('job_id', '=', f.job_id);
  if (f.run_id !== undefined) base = base.where('run_id', '=', f.run_id);
  if (f.handler !== undefined) base = base.where('handler', '=', f.handler);
  if (f.since !== undefined) base = base.where('failed_at', '>=', new Date(f.since));
  if (f.until !== undefined) base = base.where('failed_at', '<', new Date(f.until));
  return base;
}

/** A page of failures the caller may see, newest first by default, and the total. */
export async function listFailuresPage(db: Kysely<DB>, q: FailureFilter & PageQuery): Promise<{ failures: Failure[]; total: number }> {
  const base = filtered(db, q);
  const { column, descending } = sortOf<'failed_at'>(q.sort, '-failed_at');
  const [failures, count] = await Promise.all([
    base.selectAll().orderBy(column, descending ? 'desc' : 'asc').orderBy('failure_id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { failures, total: Number(count.n) };
}

/** The failure when it exists and the caller may see it, else undefined. */
export async function findVisibleFailure(db: Kysely<DB>, failureId: string, owner: string | undefined): Promise<Failure | undefined> {
  if (!UUID.test(failureId)) return undefined;
  let query = db.selectFrom('failures').selectAll().where('failure_id', '=', failureId);
  if (owner !== undefined) query = query.where('owner', '=', owner);
  return query.executeTakeFirst();
}

/** Deletes the failures matching the filter (the caller's only, unless admin); returns their ids. */
export async function deleteFailures(db: Kysely<DB>, f: FailureFilter & { failure_id?: string }): Promise<string[]> {
  let query = db.deleteFrom('failures');
  if (f.failure_id !== undefined) query = query.where('failure_id', '=', f.failure_id);
  if (f.owner !== undefined) query = query.where('owner', '=', f.owner);
  if (f.job_id !== undefined) query = query.where('job_id', '=', f.job_id);
  if (f.handler !== undefined) query = query.where('handler', '=', f.handler);
  if (f.since !== undefined) query = query.where('failed_at', '>=', new Date(f.since));
  if (f.until !== undefined) query = query.where('failed_at', '<', new Date(f.until));
  const rows = await query.returning('failure_id').execute();
  return rows.map((r) => r.failure_id);
}
