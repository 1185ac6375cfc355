import type { ColumnType, Generated, JSONColumnType } from 'kysely';

// Row types of bosun's own tables, as kysely sees them. Domain types (Job, Run,
// Failure) live with their repositories; these are only the storage shape.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T extends object | null> = JSONColumnType<T, string, string>;

export type JobState = 'pending' | 'running' | 'paused' | 'finished';
export type Overlap = 'skip' | 'queue' | 'allow';
export type RunStatus = 'scheduled' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'misfired' | 'skipped';
export type RunTrigger = 'schedule' | 'manual' | 'flow';

/** What becomes of a job that has nothing left to run. */
export type OnFinish = 'keep' | 'delete';

export interface JobsTable {
  job_id: string;
  handler: string;
  kwargs: Json<Record<string, unknown>>;
  description: string | null;
  schedule_input: Json<Record<string, unknown>>;
  schedule: Json<Record<string, unknown>>;
  state: JobState;
  overlap: Generated<Overlap>;
  timeout_ms: number | null;
  retries: Generated<number>;
  retry_delay_ms: Generated<number>;
  retry_backoff: Generated<number>;
  owner: string | null;
  source: Generated<string>;
  created_at: CreatedAt & Generated<Date>;
  updated_at: Generated<Timestamp>;
  next_run_at: Timestamp | null;
  last_run_at: Timestamp | null;
  last_run_status: RunStatus | null;
  run_count: Generated<number>;
  /** A label for people, not unique (migration 0012). */
  name: string | null;
  /** At most this many runs of the job at once; null: its overlap policy alone decides (migration 0012). */
  max_instances: number | null;
  /** Free metadata, kept as given (Tethys' `extended_properties`; migration 0013). */
  extended_properties: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** Text labels by name, filterable in GET /jobs (migration 0013). */
  labels: ColumnType<Record<string, string>, string | undefined, string>;
  /** Runs started by hand (run now); `run_count` counts the scheduled ones (migration 0013). */
  manual_run_count: Generated<number>;
  /** `delete`: the job is deleted once finished with no run left unfinished (migration 0013). */
  on_finish: Generated<OnFinish>;
}

export interface RunsTable {
  run_id: Generated<string>;
  job_id: string;
  scheduled_for: Timestamp;
  trigger: RunTrigger;
  status: RunStatus;
  attempt: Generated<number>;
  host: string | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  result: ColumnType<object | null, string | null, string | null>;
  error: string | null;
  log: Generated<Json<RunLogLine[]>>;
  created_at: CreatedAt & Generated<Date>;
  /** Last sign of life from the worker running it (migration 0003); null unless running. */
  heartbeat_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One line a handler logged through its context, kept with the run. */
export interface RunLogLine {
  at: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  data?: Record<string, unknown>;
}

export interface FailuresTable {
  failure_id: Generated<string>;
  job_id: string;
  run_id: string | null;
  handler: string;
  kwargs: Json<Record<string, unknown>>;
  owner: string | null;
  error_name: string;
  message: string;
  stack: string | null;
  attempt: Generated<number>;
  host: string | null;
  failed_at: CreatedAt & Generated<Date>;
}

export interface ServiceSettingsTable {
  key: string;
  value: Json<object>;
  updated_at: Generated<Timestamp>;
}

export interface DB {
  jobs: JobsTable;
  runs: RunsTable;
  failures: FailuresTable;
  service_settings: ServiceSettingsTable;
}
