import type { Kysely } from 'kysely';
import type { AuditEntry } from '../../../audit/audit-entry.ts';
import { listAuditEntries } from '../../../audit/repository.ts';
import type { DB } from '../../../db/schema.ts';
import type { Job } from '../../../jobs/job.ts';
import { rowToJob } from '../../../jobs/repository.ts';
import { listRunsPage, type RunSummary } from '../../queries/runs.ts';

/** A time range of NDScheduler's routes, the most rows to answer, and the caller's owner scope. */
export interface RangeQuery {
  start: Date;
  end: Date;
  limit: number;
  owner: string | undefined;
}

/** The jobs with these ids, by id. */
async function jobsById(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, Job>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('jobs').selectAll().where('job_id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.job_id, rowToJob(r)]));
}

/** The visible runs scheduled in [start, end], oldest first, at most `limit`, each with its job; and how many there are in all. */
export async function executionsInRange(db: Kysely<DB>, q: RangeQuery): Promise<{ executions: Array<{ run: RunSummary; job: Job }>; total: number }> {
  // `until` is exclusive: a millisecond past the end keeps NDScheduler's inclusive range.
  const { runs, total } = await listRunsPage(db, {
    since: q.start.toISOString(),
    until: new Date(q.end.getTime() + 1).toISOString(),
    owner: q.owner,
    limit: q.limit,
    offset: 0,
    sort: 'scheduled_for',
  });
  const jobs = await jobsById(db, runs.flatMap((r) => (r.job_id === null ? [] : [r.job_id])));
  // A run of a job deleted meanwhile (or of no job) is left out.
  return { executions: runs.flatMap((run) => (run.job_id !== null && jobs.has(run.job_id) ? [{ run, job: jobs.get(run.job_id)! }] : [])), total };
}

/** The job of a run, for an execution read alone. */
export async function jobOfRun(db: Kysely<DB>, jobId: string): Promise<Job | undefined> {
  return (await jobsById(db, [jobId])).get(jobId);
}

/** The audit entries recorded in [start, end] about jobs the caller may see, newest first, each with its job's name now (null: none, or gone). */
export async function auditLogsInRange(db: Kysely<DB>, q: RangeQuery): Promise<{ entries: Array<{ entry: AuditEntry; jobName: string | null }>; total: number }> {
  const { entries, total } = await listAuditEntries(db, { since: q.start, until: new Date(q.end.getTime() + 1), owner: q.owner, limit: q.limit, offset: 0 });
  const jobs = await jobsById(db, entries.flatMap((e) => (e.job_id === null ? [] : [e.job_id])));
  return { entries: entries.map((entry) => ({ entry, jobName: (entry.job_id === null ? undefined : jobs.get(entry.job_id)?.name) ?? null })), total };
}

/** The ids of the visible jobs named `name` (at most `limit`: enough to tell one from many). */
export async function jobIdsNamed(db: Kysely<DB>, name: string, owner: string | undefined, limit = 10): Promise<string[]> {
  let query = db.selectFrom('jobs').select('job_id').where('name', '=', name);
  if (owner !== undefined) query = query.where('owner', '=', owner);
  const rows = await query.orderBy('job_id').limit(limit).execute();
  return rows.map((r) => r.job_id);
}
