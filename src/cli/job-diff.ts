// What `bosun apply` would change in one job: the local definition (validated as startup's YAML
// sync validates it) against the service's view of the job. Pure, so it is unit-tested alone.
import { JOB_FIELDS } from '../jobs/define-job.ts';
import type { JobDefinition } from '../jobs/job.ts';
import { redactValue } from '../redaction/redact-value.ts';
import { retryBackoffView } from '../worker/retry-delay.ts';

// The definition holds the backoff factor; the view shows it as false, true or the factor.
const backoffView = (value: number | boolean): unknown => (typeof value === 'number' ? retryBackoffView(value) : value);

/** One field whose value differs; secrets are shown as the service shows them (`***`). */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export type JobPlan =
  | { action: 'create'; job_id: string; body: Record<string, unknown> }
  | { action: 'update'; job_id: string; changes: FieldChange[]; body: Record<string, unknown> }
  | { action: 'unchanged'; job_id: string };

/** A job read from a local file: its validated definition and the input it was written as. */
export interface LocalDefinition {
  definition: JobDefinition;
  /** The file's fields as a job input (top-level handler arguments moved under `kwargs`). */
  input: Record<string, unknown>;
}

// Key order is not compared: the service may send an object's keys in any order.
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * The fields compared, as [name shown, local value, service value]. kwargs are compared as the
 * service shows them: a secret is `***` on both sides, so a secret alone is never a change (the
 * service cannot say whether it differs). `state` only when the file writes it: as at startup, a
 * pause made through the API holds until the file says otherwise.
 */
function compared(local: LocalDefinition, remote: Record<string, unknown>): Array<[string, unknown, unknown]> {
  const def = local.definition;
  const fields: Array<[string, unknown, unknown]> = [
    ['handler', def.handler, remote.handler],
    ['description', def.description, remote.description ?? null],
    ['kwargs', redactValue(def.kwargs), remote.kwargs ?? {}],
    ['schedule', def.schedule_input, remote.schedule_input ?? {}],
    ['overlap', def.overlap, remote.overlap],
    ['timeout_ms', def.timeout_ms, remote.timeout_ms ?? null],
    ['retries', def.retries, remote.retries],
    ['retry_delay_ms', def.retry_delay_ms, remote.retry_delay_ms],
    ['retry_backoff', backoffView(def.retry_backoff), remote.retry_backoff],
  ];
  if (local.input.state !== undefined && local.input.state !== null && remote.state !== 'finished') fields.push(['state', def.state, remote.state]);
  return fields;
}

/**
 * The one request that brings the service to the file: POST of the file's input for a new job;
 * for an existing one a PATCH of every field, with `null` for those the file leaves out (so a
 * `cron` removed from the file is removed from the job) and `state` only when written.
 */
export function planJob(local: LocalDefinition, remote: Record<string, unknown> | undefined): JobPlan {
  const jobId = local.definition.job_id;
  if (remote === undefined) return { action: 'create', job_id: jobId, body: { ...local.input, job_id: jobId } };
  const changes = compared(local, remote)
    .filter(([, to, from]) => stable(to) !== stable(from))
    .map(([field, to, from]) => ({ field, from, to }));
  if (changes.length === 0) return { action: 'unchanged', job_id: jobId };
  const body: Record<string, unknown> = {};
  for (const field of JOB_FIELDS) {
    if (field === 'job_id' || field === 'state') continue;
    body[field] = local.input[field] ?? null;
  }
  body.kwargs = local.input.kwargs ?? {};
  if (local.input.state !== undefined && local.input.state !== null) body.state = local.input.state;
  return { action: 'update', job_id: jobId, changes, body };
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  return typeof value === 'string' ? value : stable(value);
}

/** The plan as people read it: `+ job` to create, `~ job` with `field: old → new`, `= job` unchanged. */
export function renderPlan(plan: JobPlan, where: string): string {
  switch (plan.action) {
    case 'create':
      return `+ ${plan.job_id} (${where}): create\n`;
    case 'unchanged':
      return `= ${plan.job_id} (${where}): unchanged\n`;
    case 'update':
      return `~ ${plan.job_id} (${where}): update\n${plan.changes.map((c) => `    ${c.field}: ${shown(c.from)} → ${shown(c.to)}\n`).join('')}`;
  }
}
