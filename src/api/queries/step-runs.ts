import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DB, RunStatus } from '../../db/schema.ts';
import type { StepStatus } from '../../flows/flow.ts';
import { withFlowTables } from '../../flows/schema.ts';
import type { Run } from '../../runs/run.ts';

// Flow steps read as runs: a step's step_run_id is its run id (failure rows carry it), its
// status a run status, its flow run named beside it. The step's own status stays in step_status.

/** A run status as the step statuses it stands for. */
const STEP_STATUSES: Record<RunStatus, StepStatus[]> = {
  scheduled: ['waiting', 'queued'],
  running: ['running'],
  succeeded: ['succeeded'],
  failed: ['failed'],
  timed_out: ['timed_out'],
  cancelled: [],
  misfired: [],
  // Not selected in a selective run, or stopped by a step it waits for that failed.
  skipped: ['skipped', 'blocked'],
};

/** What a step run adds to a run; null on a job's run. */
export interface StepRunFields {
  flow_run_id: string | null;
  flow_name: string | null;
  step_id: string | null;
  step_status: StepStatus | null;
  handler?: string;
}

export type StepRun = Omit<Run, 'job_id'> & { job_id: string | null } & StepRunFields;

/** Filters of step runs, as GET /runs has them. */
export interface StepRunFilter {
  owner?: string | undefined;
  flow_run_id?: string | undefined;
  status?: RunStatus[] | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

export type StepSortColumn = 'scheduled_for' | 'created_at' | 'started_at' | 'finished_at';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RUN_STATUS = sql<RunStatus>`case f.status when 'waiting' then 'scheduled' when 'queued' then 'scheduled' when 'blocked' then 'skipped' else f.status end`;

/**
 * A step's instant for a sort column. Listed without a flow run, only steps that were queued are
 * runs (as a job's run exists once it fires), read newest first by the flow_steps_queued index;
 * a flow run's own list shows every step, the ones never queued at the flow run's start.
 */
function instant(column: StepSortColumn, withinFlowRun: boolean): RawBuilder<Date | null> {
  if (column === 'started_at' || column === 'finished_at') return sql<Date | null>`f.${sql.raw(column)}`;
  return withinFlowRun ? sql<Date>`coalesce(f.queued_at, r.created_at)` : sql<Date>`f.queued_at`;
}

/** The step statuses a run-status filter keeps; undefined for no filter, [] when none can match. */
export function stepStatusesOf(status: RunStatus[] | undefined): StepStatus[] | undefined {
  if (status === undefined || status.length === 0) return undefined;
  return [...new Set(status.flatMap((s) => STEP_STATUSES[s]))];
}

/** The (id, sort instant) pairs of the step runs matching `q`, for a union with job runs. */
export function stepRunKeys(db: Kysely<DB>, q: StepRunFilter, column: StepSortColumn) {
  const within = q.flow_run_id !== undefined;
  const at = instant('scheduled_for', within);
  let base = withFlowTables(db).selectFrom('flow_steps as f').innerJoin('flow_runs as r', 'r.flow_run_id', 'f.flow_run_id');
  if (within && !UUID.test(q.flow_run_id!)) base = base.where(sql<SqlBool>`false`);
  else base = within ? base.where('f.flow_run_id', '=', q.flow_run_id!) : base.where('f.queued_at', 'is not', null);
  if (q.owner !== undefined) base = base.where('r.owner', '=', q.owner);
  const statuses = stepStatusesOf(q.status);
  if (statuses !== undefined) base = statuses.length > 0 ? base.where('f.status', 'in', statuses) : base.where(sql<SqlBool>`false`);
  if (q.since !== undefined) base = base.where(sql<SqlBool>`${at} >= ${new Date(q.since)}`);
  if (q.until !== undefined) base = base.where(sql<SqlBool>`${at} < ${new Date(q.until)}`);
  return base.select([sql<string>`'step'`.as('kind'), 'f.step_run_id as id', instant(column, within).as('at')]);
}

/** The step runs of these ids (with logs or log line counts), keyed by id. */
export async function stepRunsByIds(db: Kysely<DB>, ids: readonly string[], withLog: boolean): Promise<Map<string, StepRun & { log_lines?: number }>> {
  if (ids.length === 0) return new Map();
  const rows = await withFlowTables(db)
    .selectFrom('flow_steps as f')
    .innerJoin('flow_runs as r', 'r.flow_run_id', 'f.flow_run_id')
    .select([
      'f.step_run_id as run_id',
      // A step is not a run of a job: its flow run names the job that started it, if any.
      sql<string | null>`null`.as('job_id'),
      sql<Date>`coalesce(f.queued_at, r.created_at)`.as('scheduled_for'),
      sql<'flow'>`'flow'`.as('trigger'),
      RUN_STATUS.as('status'),
      'f.attempt',
      'f.host',
      'f.started_at',
      'f.finished_at',
      'f.result',
      'f.error',
      sql<Date>`coalesce(f.queued_at, r.created_at)`.as('created_at'),
      sql<Date | null>`null`.as('heartbeat_at'),
      'f.flow_run_id',
      'r.flow_name',
      'f.step_id',
      'f.status as step_status',
      'f.handler',
      'f.exit_code',
      ...(withLog ? (['f.log'] as const) : []),
      sql<number>`jsonb_array_length(f.log)`.as('log_lines'),
      'r.owner as flow_owner',
    ])
    .where('f.step_run_id', 'in', [...ids])
    .execute();
  return new Map(rows.map(({ flow_owner, ...row }) => [row.run_id, { ...row, owner: flow_owner } as unknown as StepRun & { log_lines?: number; owner: string | null }]));
}

/** The step run, with its log, when its flow run is the caller's to see. */
export async function findVisibleStepRun(db: Kysely<DB>, stepRunId: string, owner: string | undefined): Promise<StepRun | undefined> {
  if (!UUID.test(stepRunId)) return undefined;
  const found = (await stepRunsByIds(db, [stepRunId], true)).get(stepRunId) as (StepRun & { log_lines?: number; owner?: string | null }) | undefined;
  if (!found || (owner !== undefined && found.owner !== owner)) return undefined;
  const { log_lines: _, owner: __, ...run } = found;
  return run;
}
