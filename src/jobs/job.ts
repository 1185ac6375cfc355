import type { Selectable } from 'kysely';
import type { JobsTable, JobState, Overlap } from '../db/schema.ts';
import type { Schedule, ScheduleInput } from '../schedule/index.ts';

export type { JobState, Overlap };

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
  retry_backoff: boolean;
  owner: string | null;
  /** `api`, `cli`, or `yaml:<path relative to the default-jobs folder>`. */
  source: string;
}

/** A definition as a create stores it: the state may already be `finished` (a schedule with no occurrence left). */
export type StoredDefinition = Omit<JobDefinition, 'state'> & { state: JobState };
