/** One step of a declared flow: a handler call that waits for other steps. */
export interface FlowStep {
  id: string;
  handler: string;
  description: string | null;
  /** As declared: strings may hold `${args.x}` / `${steps.id.result.path}` placeholders. */
  kwargs: Record<string, unknown>;
  /** Ids of the steps that must succeed before this one starts. */
  waits: string[];
  timeout_ms: number | null;
  retries: number;
  retry_delay_ms: number;
  /** The factor each retry's delay is multiplied by; 1 keeps it fixed. */
  retry_backoff: number;
}

/** A named DAG of steps, declared in a YAML file of the flows folder or through the API (POST /flows). */
export interface FlowDefinition {
  name: string;
  description: string | null;
  steps: FlowStep[];
  /** `file`: read-only, changed by editing the file; `api`: stored in the flows table. */
  source: 'file' | 'api';
  /** The file it was declared in (relative to the working directory when inside it); null for `api`. */
  file: string | null;
  /** Who defined an `api` flow (null for files, and for a token without a user). */
  owner: string | null;
  /** When an `api` flow was last written; null for files. */
  updated_at: Date | null;
}

/** A step in one flow run. */
export type StepStatus = 'waiting' | 'queued' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'blocked' | 'skipped';

/** A flow run as a whole (Tethys' "Various": some steps already failed while others still run). */
export type FlowRunStatus = 'running' | 'various' | 'succeeded' | 'failed';

/** Steps still to run or running. */
export const ACTIVE_STEP_STATUSES: readonly StepStatus[] = ['waiting', 'queued', 'running'];
/** Steps that ended badly, and the ones they stopped. */
export const BAD_STEP_STATUSES: readonly StepStatus[] = ['failed', 'timed_out', 'blocked'];
/** Steps a dependant may go on after (`skipped` = not selected in a selective run). */
export const SATISFIED_STEP_STATUSES: readonly StepStatus[] = ['succeeded', 'skipped'];
