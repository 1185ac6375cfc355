// The shapes the CLI reads from the API's answers, and the unwrapping of their
// envelopes (`{"job": …}`, `{"jobs": […], "jobs_count": n}`), kept in one place so a
// change in the API's envelope is a change here only. Fields are snake_case as the
// API sends them; every one the CLI does not strictly need is optional.

/** A job as GET /jobs and GET /jobs/{id} answer it. */
export interface ApiJob {
  job_id: string;
  handler?: string;
  kwargs?: Record<string, unknown>;
  description?: string | null;
  state?: string;
  schedule_input?: Record<string, unknown>;
  schedule?: Record<string, unknown>;
  /** Human schedule text, when the API sends one ("every 5 hours from 14:56 UTC"). */
  schedule_description?: string;
  periodically?: string | null;
  cron?: string | null;
  when?: string | null;
  next_run_time?: string | null;
  next_run_at?: string | null;
  last_run_status?: string | null;
  last_run_at?: string | null;
  last_run_time?: string | null;
  /** Runs started by the schedule and by hand; the two apart in scheduled_run_count and manual_run_count. */
  run_count?: number;
  scheduled_run_count?: number;
  manual_run_count?: number;
  labels?: Record<string, string>;
  extended_properties?: Record<string, unknown>;
  on_finish?: string;
  owner?: string | null;
  source?: string;
  overlap?: string;
  /** A label for people, not unique. */
  name?: string | null;
  /** At most this many runs at once; null: as overlap decides. */
  max_instances?: number | null;
  timeout_ms?: number | null;
  retries?: number;
  created_at?: string;
  updated_at?: string;
  [more: string]: unknown;
}

/** One log line of a run. */
export interface ApiRunLogLine {
  at?: string;
  level?: string;
  msg?: string;
  data?: Record<string, unknown>;
}

/** A run as GET /runs, GET /runs/{id} and POST /jobs/{id}/run answer it. */
export interface ApiRun {
  run_id: string;
  job_id?: string;
  status?: string;
  trigger?: string;
  scheduled_for?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
  attempt?: number;
  host?: string | null;
  result?: unknown;
  error?: string | null;
  log?: ApiRunLogLine[];
  [more: string]: unknown;
}

/** A failure row as GET /failures and GET /failures/{id} answer it. */
export interface ApiFailure {
  failure_id: string;
  job_id?: string;
  run_id?: string | null;
  handler?: string;
  kwargs?: Record<string, unknown>;
  error_name?: string;
  message?: string;
  stack?: string | null;
  attempt?: number;
  host?: string | null;
  failed_at?: string;
  [more: string]: unknown;
}

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
export function scheduleText(job: ApiJob): string {
  if (job.schedule_description) return job.schedule_description;
  const input = (job.schedule_input ?? {}) as Record<string, unknown>;
  const pick = (name: string) => (job[name] as unknown) ?? input[name];
  const parts: string[] = [];
  const periodically = pick('periodically');
  const cron = pick('cron');
  const at = pick('when');
  if (periodically) parts.push(`every ${String(periodically)}`);
  if (cron) parts.push(`cron ${String(cron)}`);
  if (at) parts.push(`${parts.length ? 'from' : 'once at'} ${String(at)}`);
  return parts.length ? parts.join(' ') : 'once';
}
