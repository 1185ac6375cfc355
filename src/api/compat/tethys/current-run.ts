import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';

/**
 * The run a job-level status report applies to: the job's unfinished run, a running one before
 * one still waiting, the latest first; undefined when the job has none (or the caller may not see it).
 */
export async function currentRunId(db: Kysely<DB>, jobId: string, owner: string | undefined): Promise<string | undefined> {
  let query = db
    .selectFrom('runs')
    .innerJoin('jobs', 'jobs.job_id', 'runs.job_id')
    .select('runs.run_id')
    .where('runs.job_id', '=', jobId)
    .where('runs.status', 'in', ['running', 'scheduled'])
    .orderBy((eb) => eb('runs.status', '=', 'running'), 'desc')
    .orderBy('runs.scheduled_for', 'desc')
    .limit(1);
  if (owner !== undefined) query = query.where('jobs.owner', '=', owner);
  return (await query.executeTakeFirst())?.run_id;
}
