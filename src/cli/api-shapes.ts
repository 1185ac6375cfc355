// The shapes the CLI reads from the API's answers, and the unwrapping of their
// envelopes (`{"job": …}`, `{"jobs": […], "jobs_count": n}`), kept in one place so a
// change in the API's envelope is a change here only. Fields are snake_case as the
// API sends them, typed by the client generated from openapi.yaml (src/client/).

import type { Failure, Job, Run } from '../client/schema-types.ts';

/** A job as GET /jobs and GET /jobs/{id} answer it (the spec's type, src/client/). */
export type ApiJob = Job;

/** A run as GET /runs, GET /runs/{id} and POST /jobs/{id}/run answer it. */
export type ApiRun = Run;

/** One log line of a run. */
export type ApiRunLogLine = NonNullable<Run['log']>[number];

/** A failure row as GET /failures and GET /failures/{id} answer it. */
export type ApiFailure = Failure;

/** A page of a list: its items and, when the API says so, the total across pages. */
export interface Page<T> {
  items: T[];
  total: number | undefined;
}

/** Unwraps a list answer: a bare array, `{<key>: […]}` or `{items|data: […]}`, with `<key>_count`/`total`. */
export function unwrapList<T>(body: unknown, key: string): Page<T> {
  if (Array.isArray(body)) return { items: body as T[], total: undefined };
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const items = [record[key], record.items, record.data].find(Array.isArray) as T[] | undefined;
    if (items) {
      const total = [record[`${key}_count`], record.total, record.count].find((n) => typeof n === 'number') as number | undefined;
      return { items, total };
    }
  }
  throw new Error(`unexpected answer from the service: expected a list of ${key}`);
}

/** Unwraps a single-resource answer: `{<key>: {…}}` or the object itself. */
export function unwrapOne<T>(body: unknown, key: string, idField: string): T {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const inner = record[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) return inner as T;
    if (idField in record) return record as T;
  }
  throw new Error(`unexpected answer from the service: expected a ${key}`);
}

/** The job's next run, under either name the API may use. */
export function nextRun(job: ApiJob): string | null | undefined {
  return job.next_run_time ?? job.next_run_at;
}

/** The job's last run time, under either name the API may use. */
export function lastRun(job: ApiJob): string | null | undefined {
  return job.last_run_at ?? job.last_run_time;
}

/** The job's schedule in words: the API's description if sent, else the fields as written. */
export function scheduleText(job: Partial<ApiJob>): string {
  if (job.schedule_description) return job.schedule_description;
  const input = (job.schedule_input ?? {}) as Record<string, unknown>;
  const pick = (name: string) => (job as Record<string, unknown>)[name] ?? input[name];
  const parts: string[] = [];
  const periodically = pick('periodically');
  const cron = pick('cron');
  const at = pick('when');
  if (periodically) parts.push(`every ${String(periodically)}`);
  if (cron) parts.push(`cron ${String(cron)}`);
  if (at) parts.push(`${parts.length ? 'from' : 'once at'} ${String(at)}`);
  return parts.length ? parts.join(' ') : 'once';
}
