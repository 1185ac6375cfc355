import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';
import type { DB, RunLogLine } from '../db/schema.ts';
import type { FlowRunStatus, StepStatus } from './flow.ts';

// Row types of the flow tables (migrations 0005, 0006, 0014). Kept here, beside their only users, and joined
// to the engine's tables with kysely's withTables(), so src/db/schema.ts stays the engine's.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type JsonIn<T> = ColumnType<T, string, string>;

export interface FlowRunsTable {
  flow_run_id: Generated<string>;
  flow_name: string;
  arguments: JsonIn<Record<string, unknown>>;
  status: FlowRunStatus;
  job_id: string | null;
  origin_run_id: string | null;
  origin_index: number | null;
  owner: string | null;
  selection: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  reruns: Generated<number>;
  /** Steps still to run (waiting, queued, running) and steps that ended badly (0006). */
  remaining: Generated<number>;
  bad: Generated<number>;
  created_at: ColumnType<Date, never, never> & Generated<Date>;
  finished_at: Timestamp | null;
}

export interface FlowStepsTable {
  flow_run_id: string;
  step_id: string;
  step_run_id: Generated<string>;
  position: number;
  handler: string;
  kwargs: JsonIn<Record<string, unknown>>;
  resolved_kwargs: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  waits: string[];
  /** Waits not yet succeeded (nor skipped); the step is queued when this reaches 0 (0006). */
  pending_waits: Generated<number>;
  /** Steps that wait for this one. */
  dependants: Generated<string[]>;
  status: StepStatus;
  attempt: Generated<number>;
  attempts_total: Generated<number>;
  timeout_ms: number | null;
  retries: number;
  retry_delay_ms: number;
  retry_backoff: number;
  host: string | null;
  queued_at: Timestamp | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  exit_code: number | null;
  result: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  log: ColumnType<RunLogLine[], string | undefined, string>;
}

/** A flow defined through the API (0014): the definition as posted, declared again when read. */
export interface FlowsTable {
  name: string;
  definition: JsonIn<Record<string, unknown>>;
  owner: string | null;
  revision: ColumnType<string, never, never> & Generated<string>;
  created_at: ColumnType<Date, never, never> & Generated<Date>;
  updated_at: ColumnType<Date, never, Date | string> & Generated<Date>;
}

export type FlowTables = {
  flow_runs: FlowRunsTable;
  flow_steps: FlowStepsTable;
  flows: FlowsTable;
};

export type FlowDB = DB & FlowTables;
/** A connection or transaction that sees the engine's tables and the flow tables. */
export type FlowDb = Kysely<FlowDB> | Transaction<FlowDB>;
export type FlowRunRow = Selectable<FlowRunsTable>;
export type FlowStepRow = Selectable<FlowStepsTable>;
export type FlowDefinitionRow = Selectable<FlowsTable>;

/** The engine's Kysely<DB>, seeing the flow tables too. */
export function withFlowTables(db: Kysely<DB>): Kysely<FlowDB> {
  return db.withTables<FlowTables>() as unknown as Kysely<FlowDB>;
}
