import { sql, type Kysely } from 'kysely';
import type { DB, RunStatus } from '../../db/schema.ts';
import type { Run } from '../../runs/run.ts';
import { sortOf, type PageQuery } from './pagination.ts';
import { stepRunKeys, stepRunsByIds, stepStatusesOf, type StepRunFields } from './step-runs.ts';

export type RunSortColumn = 'scheduled_for' | 'created_at' | 'started_at' | 'finished_at';

/** Filters of GET /runs and GET /jobs/{id}/runs. */
export interface RunListQuery extends PageQuery {
  owner?: string | undefined;
  job_id?: string | undefined;
  /** Only the steps of this flow run (step runs). */
  flow_run_id?: string | undefined;
  status?: RunStatus[] | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** A run as listed: everything but its log, which GET /runs/{id} carries; a flow step's run names its flow run. */
export type RunSummary = Omit<Run, 'log' | 'job_id'> & { job_id: string | null; log_lines: number } & StepRunFields;

const NOT_NULL = new Set<RunSortColumn>(['scheduled_for', 'created_at']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A page of runs the caller may see (scheduled_for in [since, until)), and the total: job runs and flow step runs. */
export async function listRunsPage(db: Kysely<DB>, q: RunListQuery): Promise<{ runs: RunSummary[]; total: number }> {
  const { column, descending } = sortOf<RunSortColumn>(q.sort, '-scheduled_for');
  // A job_id names job runs only; a flow_run_id step runs only; no step status is `cancelled` or `misfired`.
  const steps = q.job_id === undefined && stepStatusesOf(q.status)?.length !== 0;
  const jobs = q.flow_run_id === undefined;
  if (!steps) return listJobRunsPage(db, q, column, descending);
  const direction = descending ? sql.raw('desc') : sql.raw('asc');
  const nulls = NOT_NULL.has(column) ? sql.raw('') : sql.raw('nulls last');
  const stepKeys = stepRunKeys(db, q, column);
  const jobKeys = jobRunsBase(db, q).select([sql<string>`'run'`.as('kind'), 'runs.run_id as id', `runs.${column} as at`]);
  const keys = jobs ? sql`(${jobKeys}) union all (${stepKeys})` : sql`${stepKeys}`;
  // The page's keys first (each branch read in its index's order), then the rows of that page.
  const [page, count] = await Promise.all([
    sql<{ kind: 'run' | 'step'; id: string }>`select kind, id from (${keys}) k order by at ${direction} ${nulls}, id ${direction} limit ${q.limit} offset ${q.offset}`.execute(db),
    sql<{ n: string }>`select count(*) as n from (${keys}) k`.execute(db),
  ]);
  const ids = (kind: string) => page.rows.filter((r) => r.kind === kind).map((r) => r.id);
  const [jobRuns, stepRuns] = await Promise.all([jobRunsByIds(db, ids('run')), stepRunsByIds(db, ids('step'), false)]);
  const runs = page.rows.flatMap((r) => {
    const row = r.kind === 'run' ? jobRuns.get(r.id) : stepRuns.get(r.id);
    if (!row) return [];
    const { owner: _, ...rest } = row as typeof row & { owner?: unknown };
    return [rest as RunSummary];
  });
  return { runs, total: Number(count.rows[0]?.n ?? 0) };
}

function jobRunsBase(db: Kysely<DB>, q: RunListQuery) {
  // Every run has its job (a foreign key): jobs are read only to keep a user to their own.
  let base = db.selectFrom('runs');
  const owner = q.owner;
  if (owner !== undefined) base = base.where('runs.job_id', 'in', (eb) => eb.selectFrom('jobs').select('jobs.job_id').where('jobs.owner', '=', owner));
  if (q.job_id !== undefined) base = base.where('runs.job_id', '=', q.job_id);
  if (q.status !== undefined && q.status.length > 0) base = base.where('runs.status', 'in', q.status);
  if (q.since !== undefined) base = base.where('runs.scheduled_for', '>=', new Date(q.since));
  if (q.until !== undefined) base = base.where('runs.scheduled_for', '<', new Date(q.until));
  return base;
}

async function jobRunsByIds(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, RunSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('runs')
    .selectAll('runs')
    .select((eb) => eb.fn<number>('jsonb_array_length', ['runs.log']).as('log_lines'))
    .where('runs.run_id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.run_id, withoutLog(row)]));
}

function withoutLog(row: object): RunSummary {
  const { log: _log, ...rest } = row as { log?: unknown };
  return { ...rest, ...NOT_A_STEP } as unknown as RunSummary;
}

/** The step fields of a job's run, so every run has the same shape. */
const NOT_A_STEP = { flow_run_id: null, flow_name: null, step_id: null, step_status: null };

/** Job runs only (a job_id filter, or a status no step has): one query read in runs' own index order. */
async function listJobRunsPage(db: Kysely<DB>, q: RunListQuery, column: RunSortColumn, descending: boolean): Promise<{ runs: RunSummary[]; total: number }> {
  const base = jobRunsBase(db, q);
  const direction = descending ? 'desc' : 'asc';
  // run_id breaks ties in the same direction, and a column that is never null is not told where
  // its nulls go: so the default order is runs_scheduled's (scheduled_for, run_id), read either
  // way, and a page is the first rows of that index, not the top of a sort of every run.
  const [rows, count] = await Promise.all([
    base
      .selectAll('runs')
      .select((eb) => eb.fn<number>('jsonb_array_length', ['runs.log']).as('log_lines'))
      .orderBy(`runs.${column}`, (ob) => (NOT_NULL.has(column) ? ob[direction]() : ob[direction]().nullsLast()))
      .orderBy('runs.run_id', direction)
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { runs: rows.map(withoutLog), total: Number(count.n) };
}

/** The run (with its log) when it exists and belongs to a job the caller may see, else undefined. */
export async function findVisibleRun(db: Kysely<DB>, runId: string, owner: string | undefined): Promise<Run | undefined> {
  if (!UUID.test(runId)) return undefined;
  let query = db.selectFrom('runs').innerJoin('jobs', 'jobs.job_id', 'runs.job_id').selectAll('runs').where('runs.run_id', '=', runId);
  if (owner !== undefined) query = query.where('jobs.owner', '=', owner);
  return (await query.executeTakeFirst()) as Run | undefined;
}
