import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { DB, JobState, RunStatus } from '../../db/schema.ts';
import { rowToJob } from '../../jobs/repository.ts';
import { parseLabelFilter } from '../../jobs/job-metadata.ts';
import type { Job } from '../../jobs/job.ts';
import { sortOf, type PageQuery } from './pagination.ts';
import type { RowVersion } from '../job-view-cache.ts';

// xmin: a new value with every update of the row (src/api/job-view-cache.ts), qualified by when
// the server started: xids count on from the same cluster's past ones, but another server (a
// restore into a new cluster, a failover to a logical replica) may reuse them for other rows.
const ROW_VERSION = sql<RowVersion>`jobs.xmin::text || '@' || extract(epoch from pg_postmaster_start_time())::text`.as('version');

export type JobSortColumn = 'job_id' | 'created_at' | 'updated_at' | 'next_run_at' | 'last_run_at';

/**
 * Filters of GET /jobs; `job_type` is the seed service's: `user` = defined through the API (its
 * `failed` lists failure records instead: src/api/routes/failures.ts).
 */
export interface JobListQuery extends PageQuery {
  owner?: string | undefined;
  job_type?: 'all' | 'failed' | 'user' | undefined;
  last_run_status?: RunStatus | undefined;
  state?: JobState | undefined;
  handler?: string | undefined;
  search?: string | undefined;
  /** `name:value` each, all required (src/jobs/job-metadata.ts parseLabelFilter). */
  label?: string[] | undefined;
}

// Kept by triggers (migrations/0007_job_counts.ts): each owner's number of jobs, over a few rows.
interface JobCountsTable {
  owner: string | null;
  slot: number;
  n: number;
}

/** Whether a list narrows jobs by more than their owner (then its total must count the matches). */
export function filtersBeyondOwner(q: JobListQuery): boolean {
  return (q.label !== undefined && q.label.length > 0) || q.state !== undefined || q.handler !== undefined || q.last_run_status !== undefined || q.job_type === 'user' || (q.search !== undefined && q.search !== '');
}

/** One listed job: its row version, and the job itself unless the caller said it knew that version. */
export interface ListedJob {
  job_id: string;
  version: RowVersion;
  job?: Job;
}

/**
 * A page of jobs the caller may see, each with its row version (xmin), and how many match in all.
 * The page is first read as ids and versions (the total is an uncorrelated subquery beside it,
 * so that is one round trip); only the rows `known` does not have at that version are then read
 * whole, in a second. The total is exact: all jobs, or one owner's, are summed from the
 * job_counts rows (a few rows, however many jobs); other filters count their matches.
 */
export async function listJobsPage(db: Kysely<DB>, q: JobListQuery, known: (jobId: string, version: RowVersion) => boolean): Promise<{ jobs: ListedJob[]; total: number }> {
  const labels = q.label !== undefined && q.label.length > 0 ? JSON.stringify(parseLabelFilter(q.label)) : undefined;
  const filtered = <T extends SelectQueryBuilder<DB, 'jobs', object>>(query: T): T => {
    let qb = query as SelectQueryBuilder<DB, 'jobs', object>;
    if (q.owner !== undefined) qb = qb.where('owner', '=', q.owner);
    if (q.state !== undefined) qb = qb.where('state', '=', q.state);
    if (q.handler !== undefined) qb = qb.where('handler', '=', q.handler);
    if (q.last_run_status !== undefined) qb = qb.where('last_run_status', '=', q.last_run_status);
    if (q.job_type === 'user') qb = qb.where('source', 'not like', 'yaml:%');
    // Containment, answered by the partial GIN index jobs_labels (its predicate repeated for the planner).
    if (labels !== undefined) qb = qb.where(sql<boolean>`labels @> ${labels}::jsonb and labels <> '{}'::jsonb`);
    if (q.search !== undefined && q.search !== '') {
      const pattern = `%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      qb = qb.where((eb) => eb.or([eb('job_id', 'ilike', pattern), eb('description', 'ilike', pattern)]));
    }
    return qb as T;
  };
  const counted = db.withTables<{ job_counts: JobCountsTable }>();
  const total = filtersBeyondOwner(q)
    ? filtered(db.selectFrom('jobs')).select((eb) => eb.fn.countAll<number>().as('n'))
    : (q.owner === undefined ? counted.selectFrom('job_counts') : counted.selectFrom('job_counts').where('owner', '=', q.owner)).select(sql<number>`coalesce(sum(n), 0)::int8`.as('n'));
  const { column, descending } = sortOf<JobSortColumn>(q.sort, 'job_id');
  const page = await filtered(db.selectFrom('jobs'))
    .select(['job_id', ROW_VERSION])
    .select(() => total.as('total_matching'))
    .orderBy(column, (ob) => (descending ? ob.desc().nullsLast() : ob.asc().nullsLast()))
    .orderBy('job_id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  const first = page[0];
  // An empty page carries no count: nothing matches at offset 0; past the end a second query counts.
  const n = first ? Number(first.total_matching) : q.offset === 0 ? 0 : Number((await total.executeTakeFirstOrThrow()).n);
  const unknown = new Set(page.filter((r) => !known(r.job_id, r.version)).map((r) => r.job_id));
  const read = new Map<string, ListedJob>();
  if (unknown.size > 0) {
    let rows = db.selectFrom('jobs').selectAll('jobs').select(ROW_VERSION).where('job_id', '=', (eb) => eb.fn.any(eb.val([...unknown])));
    if (q.owner !== undefined) rows = rows.where('owner', '=', q.owner);
    for (const { version, ...row } of await rows.execute()) read.set(row.job_id, { job_id: row.job_id, version, job: rowToJob(row) });
  }
  // A row changed between the two reads is listed as read the second time; one deleted meanwhile is left out.
  const jobs = page.flatMap((r): ListedJob[] => {
    if (!unknown.has(r.job_id)) return [{ job_id: r.job_id, version: r.version }];
    const listed = read.get(r.job_id);
    return listed ? [listed] : [];
  });
  return { jobs, total: n };
}

/** The job when it exists and the caller may see it (owner undefined = all), else undefined. */
export async function findVisibleJob(db: Kysely<DB>, jobId: string, owner: string | undefined): Promise<Job | undefined> {
  let query = db.selectFrom('jobs').selectAll().where('job_id', '=', jobId);
  if (owner !== undefined) query = query.where('owner', '=', owner);
  const row = await query.executeTakeFirst();
  return row ? rowToJob(row) : undefined;
}
