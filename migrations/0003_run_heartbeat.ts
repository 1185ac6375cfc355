import { sql, type Kysely } from 'kysely';

// The worker running an attempt touches heartbeat_at every few seconds; a `running` run whose
// heartbeat has gone quiet belonged to a process that died (kill -9, lost host), and the reaper
// settles it by the job's retry policy. Nothing stays `running` forever.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('runs').addColumn('heartbeat_at', 'timestamptz').execute();
  await sql`create index runs_live on runs (job_id, status) where status in ('scheduled', 'running')`.execute(db);
  await sql`create index runs_running_heartbeat on runs (heartbeat_at) where status = 'running'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists runs_running_heartbeat`.execute(db);
  await sql`drop index if exists runs_live`.execute(db);
  await db.schema.alterTable('runs').dropColumn('heartbeat_at').execute();
}
