import type { Job, JobDefinition, StoredDefinition } from '../jobs/job.ts';
import { redactValue } from '../redaction/redact-value.ts';

/** The fields of a definition a person sets; `schedule` is derived from `schedule_input` and left out. */
export const DEFINITION_FIELDS = ['name', 'handler', 'kwargs', 'description', 'schedule_input', 'state', 'overlap', 'max_instances', 'timeout_ms', 'retries', 'retry_delay_ms', 'retry_backoff', 'owner', 'source', 'extended_properties', 'labels', 'on_finish'] as const;

export type DefinitionDiff = Record<string, { from: unknown; to: unknown }>;

/**
 * What changed between two definitions, field by field ({} when nothing did). Compared as stored,
 * shown redacted: a changed secret is recorded as a change of kwargs from `***` to `***`.
 */
export function definitionDiff(before: Job | JobDefinition, after: Job | JobDefinition): DefinitionDiff {
  const diff: DefinitionDiff = {};
  for (const field of DEFINITION_FIELDS) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (canonical(from) !== canonical(to)) diff[field] = { from: shown(field, from), to: shown(field, to) };
  }
  return diff;
}

/** A definition's person-set fields, as stored in a created or deleted entry (kwargs redacted). */
export function definitionSnapshot(job: Job | JobDefinition | StoredDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { job_id: job.job_id };
  for (const field of DEFINITION_FIELDS) out[field] = shown(field, job[field] ?? null);
  return out;
}

// Only kwargs and the free extended_properties carry secrets; the other fields are bosun's own.
const shown = (field: (typeof DEFINITION_FIELDS)[number], value: unknown): unknown => (field === 'kwargs' || field === 'extended_properties' ? redactValue(value) : value);

// JSON with object keys sorted, so {a,b} and {b,a} compare equal.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
