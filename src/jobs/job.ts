import type { Selectable } from 'kysely';
import type { JobsTable, JobState, OnFinish, Overlap } from '../db/schema.ts';
import type { Schedule, ScheduleInput } from '../schedule/index.ts';

export type { JobState, OnFinish, Overlap };

/** A job definition as stored: what to run (handler + kwargs), when (schedule), and its bookkeeping. */
export type Job = Omit<Selectable<JobsTable>, 'kwargs' | 'schedule' | 'schedule_input'> & {
  kwargs: Record<string, unknown>;
  /** The schedule fields exactly as the user wrote them, shown back as written. */
  schedule_input: ScheduleInput;
  schedule: Schedule;
};

/**
 * A validated definition, ready to store: the one shape API, YAML and CLI input all
 * become (src/jobs/define-job.ts) before anything touches the database.
 */
export interface JobDefinition {
  job_id: string;
  handler: string;
  kwargs: Record<string, unknown>;
  description: string | null;
  schedule_input: ScheduleInput;
  schedule: Schedule;
  /** The state asked for; `finished` is only ever reached by the scheduler. */
  state: 'running' | 'paused';
  overlap: Overlap;
  timeout_ms: number | null;
  retries: number;
  retry_delay_ms: number;
  /** The factor each retry's delay is multiplied by; 1 keeps it fixed (src/worker/retry-delay.ts). */
  retry_backoff: number;
  owner: string | null;
  /** `api`, `cli`, or `yaml:<path relative to the default-jobs folder>`. */
  source: string;
  /** A label for people, not unique; null or absent: none. */
  name?: string | null;
  /** At most this many runs at once (src/runs/repository.ts insertOccurrenceRuns); null or absent: the overlap policy alone decides. */
  max_instances?: number | null;
  /** Free metadata kept as given (src/jobs/job-metadata.ts); absent: `{}`. */
  extended_properties?: Record<string, unknown>;
  /** Text labels by name, filterable in GET /jobs; absent: `{}`. */
  labels?: Record<string, string>;
  /** `delete`: deleted once finished with no run left unfinished; absent: `keep`. */
  on_finish?: OnFinish;
}

/** A definition as a create stores it: the state may already be `finished` (a schedule with no occurrence left). */
export type StoredDefinition = Omit<JobDefinition, 'state'> & { state: JobState };
