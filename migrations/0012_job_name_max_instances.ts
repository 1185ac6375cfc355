import { sql, type Kysely } from 'kysely';

// A job's `name` is a label for people (NDScheduler's, not unique: two jobs may share one), looked
// up when a caller updates or deletes a job by name, hence the index. `max_instances` caps the
// runs of one job at once; null leaves it to the job's overlap policy alone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('name', 'text')
    .addColumn('max_instances', 'integer', (c) => c.check(sql`max_instances >= 1`))
    .execute();
  await db.schema.createIndex('jobs_name').on('jobs').column('name').where(sql.ref('name'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_name').execute();
  await db.schema.alterTable('jobs').dropColumn('max_instances').dropColumn('name').execute();
}
