import { sql, type Kysely } from 'kysely';

// Every run is inserted `running` and updated once it ends (not a HOT update: its status is
// indexed), and each index that holds it gets an entry both times. 0001 and 0003 gave runs seven
// indexes: 7 entries at the claim and 5 at the settle, on the path of every run. Five now do their
// work, with 4 entries at the claim and 3 at the settle of a run that succeeds:
// - runs_one_per_occurrence was unique on (job_id, scheduled_for) for scheduled runs and
//   runs_job_time indexed the same columns for all runs. One unique index on (job_id,
//   scheduled_for, run_id when not scheduled) does both: a scheduled run's third column is null,
//   equal to any other null (NULLS NOT DISTINCT), so an occurrence still has one run, and a run
//   now or of a flow is told apart by its run_id. A job's runs list in it by scheduled_for.
// - runs_running_heartbeat (the reaper's) went: the reaper's running runs are in runs_live. It
//   was also a trap: only bitmap scans read it, which never drop dead entries, so after a burst
//   it held thousands of them, and the planner, taking `status = 'running'` as rare, settled
//   batches through it (0.2–0.3 ms a batch of 10 at the benchmark, bench/RESULTS.md).
// - runs_status_time (status, created_at) held every run twice over; it now holds only runs that
//   ended other than succeeded (the ones a status filter looks for), by scheduled_for. Running and
//   scheduled runs are in runs_live; succeeded ones are most runs, read in scheduled_for order.
// - runs_created (created_at) served nothing the API asks by default: GET /runs sorts by
//   scheduled_for (run_id breaking ties) and filters by it (since, until), which runs_scheduled
//   now indexes: a page of the newest runs is read off it, not sorted out of every run.
// On a large runs table the indexes are built while the migration holds the table: expect a few
// seconds per million runs.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index runs_occurrence on runs (job_id, scheduled_for, (case when trigger <> 'schedule' then run_id end)) nulls not distinct`.execute(db);
  await sql`create index runs_scheduled on runs (scheduled_for, run_id)`.execute(db);
  await sql`create index runs_ended_badly on runs (status, scheduled_for) where status not in ('scheduled', 'running', 'succeeded')`.execute(db);
  for (const index of ['runs_one_per_occurrence', 'runs_job_time', 'runs_running_heartbeat', 'runs_status_time', 'runs_created']) await sql`drop index ${sql.ref(index)}`.execute(db);
  await sql`alter index runs_occurrence rename to runs_one_per_occurrence`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index runs_one_per_occurrence rename to runs_occurrence`.execute(db);
  await sql`create unique index runs_one_per_occurrence on runs (job_id, scheduled_for) where trigger = 'schedule'`.execute(db);
  await sql`create index runs_job_time on runs (job_id, scheduled_for desc)`.execute(db);
  await sql`create index runs_running_heartbeat on runs (heartbeat_at) where status = 'running'`.execute(db);
  await sql`create index runs_status_time on runs (status, created_at)`.execute(db);
  await sql`create index runs_created on runs (created_at)`.execute(db);
  for (const index of ['runs_occurrence', 'runs_scheduled', 'runs_ended_badly']) await sql`drop index ${sql.ref(index)}`.execute(db);
}
