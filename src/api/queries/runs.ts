import type { Kysely } from 'kysely';
import type { DB, RunStatus } from '../../db/schema.ts';
import type { Run } from '../../runs/run.ts';
import { sortOf, type PageQuery } from './pagination.ts';

export type RunSortColumn = 'scheduled_for' | 'created_at' | 'started_at' | 'finished_at';

/** Filters of GET /runs and GET /jobs/{id}/runs. */
export interface RunListQuery extends PageQuery {
  owner?: string | undefined;
  job_id?: string | undefined;
  status?: RunStatus[] | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** A run as listed: everything but its log, which GET /runs/{id} carries. */
export type RunSummary = Omit<Run, 'log'> & { log_lines: number };

const NOT_NULL = new Set<RunSortColumn>(['scheduled_for', 'created_at']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A page of runs of jobs the caller may see (scheduled_for in [since, until)), and the total. */
export async function listRunsPage(db: Kysely<DB>, q: RunListQuery): Promise<{ runs: RunSummary[]; total: number }> {
  // Every run has its job (a foreign key): jobs are read only to keep a user to their own.
  let base = db.selectFrom('runs');
  const owner = q.owner;
  if (owner !== undefined) base = base.where('runs.job_id', 'in', (eb) => eb.selectFrom('jobs').select('jobs.job_id').where('jobs.owner', '=', owner));
  if (q.job_id !== undefined) base = base.where('runs.job_id', '=', q.job_id);
  if (q.status !== undefined && q.status.length > 0) base = base.where('runs.status', 'in', q.status);
  if (q.since !== undefined) base = base.where('runs.scheduled_for', '>=', new Date(q.since));
  if (q.until !== undefined) base = base.where('runs.scheduled_for', '<', new Date(q.until));
  const { column, descending } = sortOf<RunSortColumn>(q.sort, '-scheduled_for');
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
  const runs = rows.map((row) => {
    const { log: _log, ...rest } = row as typeof row & { log?: unknown };
    return rest as RunSummary;
  });
  return { runs, total: Number(count.n) };
}

/** The run (with its log) when it exists and belongs to a job the caller may see, else undefined. */
export async function findVisibleRun(db: Kysely<DB>, runId: string, owner: string | undefined): Promise<Run | undefined> {
  if (!UUID.test(runId)) return undefined;
  let query = db.selectFrom('runs').innerJoin('jobs', 'jobs.job_id', 'runs.job_id').selectAll('runs').where('runs.run_id', '=', runId);
  if (owner !== undefined) query = query.where('jobs.owner', '=', owner);
  return (await query.executeTakeFirst()) as Run | undefined;
}
