import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Job } from '../jobs/job.ts';
import { rowToJob } from '../jobs/repository.ts';

/** Jobs a default-jobs sync must compare against: those from YAML files, and any holding one of `jobIds`. */
export async function jobsFromFilesOrIds(db: Kysely<DB> | Transaction<DB>, jobIds: string[]): Promise<Job[]> {
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .where((eb) => {
      const fromYaml = eb('source', 'like', 'yaml:%');
      return jobIds.length === 0 ? fromYaml : eb.or([fromYaml, eb('job_id', 'in', jobIds)]);
    })
    .execute();
  return rows.map(rowToJob);
}

/** Serialises default-job syncs of instances starting together, until the transaction ends. */
export async function lockDefaultJobSync(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('bosun:default-jobs'))`.execute(trx);
}
