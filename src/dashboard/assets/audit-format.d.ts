// Types for audit-format.js (a browser asset, plain JS) so the unit tests type-check.

export interface AuditFilters {
  job_id: string;
  actor: string;
  action: string;
  range: string;
  since: string;
  until: string;
}

export interface AuditEntryLike {
  action: string;
  detail?: Record<string, unknown> | null;
}

export interface DiffRow {
  field: string;
  from: string;
  to: string;
}

export const AUDIT_ACTIONS: readonly string[];
export const AUDIT_RANGES: ReadonlyArray<readonly [string, string, number | null]>;
export function actionLabel(action: string): string;
export function auditFilters(search: string): AuditFilters;
export function auditSearch(filters: Partial<AuditFilters>): string;
export function auditApiParams(filters: AuditFilters, now: number): { job_id: string; actor: string; action: string; since: string; until: string };
export function formatValue(value: unknown): string;
export function diffRows(detail: Record<string, unknown> | null | undefined): DiffRow[];
export function detailSummary(entry: AuditEntryLike): string;
