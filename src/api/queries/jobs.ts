import type { Kysely } from 'kysely';
import type { DB, JobState } from '../../db/schema.ts';
import { rowToJob } from '../../jobs/repository.ts';
import type { Job } from '../../jobs/job.ts';
import { sortOf, type PageQuery } from './pagination.ts';

export type JobSortColumn = 'job_id' | 'created_at' | 'updated_at' | 'next_run_at' | 'last_run_at';

/** Filters of GET /jobs; `job_type` is the seed service's: `failed` = last run failed, `user` = defined through the API. */
export interface JobListQuery extends PageQuery {
  owner?: string | undefined;
  job_type?: 'all' | 'failed' | 'user' | undefined;
  state?: JobState | undefined;
  handler?: string | undefined;
  search?: string | undefined;
}

/** A page of jobs the caller may see, and how many match in all. */
export async function listJobsPage(db: Kysely<DB>, q: JobListQuery): Promise<{ jobs: Job[]; total: number }> {
  let base = db.selectFrom('jobs');
  if (q.owner !== undefined) base = base.where('owner', '=', q.owner);
  if (q.state !== undefined) base = base.where('state', '=', q.state);
  if (q.handler !== undefined) base = base.where('handler', '=', q.handler);
  if (q.job_type === 'failed') base = base.where('last_run_status', 'in', ['failed', 'timed_out']);
  if (q.job_type === 'user') base = base.where('source', 'not like', 'yaml:%');
  if (q.search !== undefined && q.search !== '') {
    const pattern = `%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    base = base.where((eb) => eb.or([eb('job_id', 'ilike', pattern), eb('description', 'ilike', pattern)]));
  }
  const { column, descending } = sortOf<JobSortColumn>(q.sort, 'job_id');
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy(column, (ob) => (descending ? ob.desc().nullsLast() : ob.asc().nullsLast()))
      .orderBy('job_id')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { jobs: rows.map(rowToJob), total: Number(count.n) };
}

/** The job when it exists and the caller may see it (owner undefined = all), else undefined. */
export async function findVisibleJob(db: Kysely<DB>, jobId: string, owner: string | undefined): Promise<Job | undefined> {
  let query = db.selectFrom('jobs').selectAll().where('job_id', '=', jobId);
  if (owner !== undefined) query = query.where('owner', '=', owner);
  const row = await query.executeTakeFirst();
  return row ? rowToJob(row) : undefined;
}
