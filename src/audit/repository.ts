import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { PREPARE } from '../db/prepared-statements.ts';
import type { DB } from '../db/schema.ts';
import type { AuditAction, AuditDb, AuditEntry, AuditLogTable, NewAuditEntry } from './audit-entry.ts';

type Db = Kysely<DB> | Transaction<DB>;
const withAudit = (db: Db): AuditDb => (db as Kysely<DB>).withTables<{ audit_log: AuditLogTable }>();

/** Appends entries (in the caller's transaction when given one). */
export async function insertAuditEntries(db: Db, entries: readonly NewAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const insert = withAudit(db)
    .insertInto('audit_log')
    .values(entries.map((e) => ({ ...e, detail: JSON.stringify(e.detail) })));
  // One entry (a create, a change through the API) is the common text: prepared; a bulk one's text differs by its count.
  await (entries.length === 1 ? insert.modifyEnd(sql.raw(PREPARE)) : insert).execute();
}

/** The insert of one entry, as a statement to embed in another (a create's; src/jobs/create-statement.ts). */
export function auditEntryInsert(e: NewAuditEntry): RawBuilder<unknown> {
  return sql`insert into audit_log (actor, action, job_id, run_id, owner, detail)
    values (${e.actor}, ${e.action}, ${e.job_id}, ${e.run_id}::uuid, ${e.owner}, ${JSON.stringify(e.detail)}::jsonb)`;
}

/** Filters of the audit list; every one optional. */
export interface AuditQuery {
  job_id?: string | undefined;
  actor?: string | undefined;
  action?: AuditAction | undefined;
  /** Entries at or after this instant. */
  since?: Date | undefined;
  /** Entries before this instant. */
  until?: Date | undefined;
  /** Only entries about this owner's jobs (a non-admin caller); undefined = all. */
  owner?: string | undefined;
  limit: number;
  offset: number;
}

/** Entries newest first, with the total matching the filters. */
export async function listAuditEntries(db: Db, q: AuditQuery): Promise<{ entries: AuditEntry[]; total: number }> {
  let query = withAudit(db).selectFrom('audit_log');
  if (q.job_id !== undefined) query = query.where('job_id', '=', q.job_id);
  if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
  if (q.action !== undefined) query = query.where('action', '=', q.action);
  if (q.since !== undefined) query = query.where('at', '>=', q.since);
  if (q.until !== undefined) query = query.where('at', '<', q.until);
  if (q.owner !== undefined) query = query.where('owner', '=', q.owner);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('at', 'desc').orderBy('audit_id', 'desc').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { entries: rows.map((r) => ({ ...r, audit_id: String(r.audit_id) })), total: Number(count.n) };
}

/** Deletes entries recorded before `before`; returns how many. */
export async function pruneAuditEntries(db: Db, before: Date): Promise<number> {
  const result = await withAudit(db).deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
