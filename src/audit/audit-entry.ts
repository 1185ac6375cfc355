import type { ColumnType, Generated, Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** What was done: one row per change of a job, a run or the service. */
export const AUDIT_ACTIONS = ['created', 'modified', 'deleted', 'paused', 'resumed', 'ran_now', 'cancelled', 'service_paused', 'service_resumed'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The actor of changes made by the default-jobs YAML sync at startup. */
export const YAML_SYNC_ACTOR = 'yaml-sync';

// Storage shape of migrations/0004_audit_log.ts; kept here because only the audit log reads it.
export interface AuditLogTable {
  audit_id: Generated<string>;
  at: ColumnType<Date, Date | string | undefined, never> & Generated<Date>;
  actor: string;
  action: AuditAction;
  job_id: string | null;
  run_id: string | null;
  owner: string | null;
  detail: ColumnType<Record<string, unknown>, string, never>;
}

/** One audit row as read back. */
export interface AuditEntry {
  audit_id: string;
  at: Date;
  actor: string;
  action: AuditAction;
  job_id: string | null;
  run_id: string | null;
  owner: string | null;
  detail: Record<string, unknown>;
}

/** An entry to record; `at` is the database's now(). */
export type NewAuditEntry = Omit<AuditEntry, 'audit_id' | 'at'>;

export type AuditDb = Kysely<DB & { audit_log: AuditLogTable }>;
