import { sql, type Kysely } from 'kysely';

// 0007 kept job_counts on insert with a row trigger, one counter upsert per job, on the reasoning
// that a job created alone (the API's POST) pays less than with a statement trigger's transition
// table. Measured since: a single create costs the same either way (within noise, ≈ 3 ms a
// transaction), while a bulk insert of 1 000 jobs (YAML sync, JobCommands.upsert) took 38–46 ms
// with the row trigger and 11–16 ms with one upsert per statement (10–17 ms with no trigger).
// So inserts now count per statement, as deletes already did.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function job_counts_add_all() returns trigger language plpgsql as $$
    begin
      insert into job_counts (owner, slot, n)
      select owner, pg_current_xact_id()::text::bigint % 64, count(*)
      from changed group by owner order by owner
      on conflict (owner, slot) do update set n = job_counts.n + excluded.n;
      return null;
    end $$`.execute(db);
  await sql`drop trigger job_counts_insert on jobs`.execute(db);
  await sql`create trigger job_counts_insert after insert on jobs referencing new table as changed for each statement execute function job_counts_add_all()`.execute(db);
  await sql`drop function job_counts_add()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function job_counts_add() returns trigger language plpgsql as $$
    begin
      insert into job_counts (owner, slot, n) values (new.owner, pg_current_xact_id()::text::bigint % 64, 1)
      on conflict (owner, slot) do update set n = job_counts.n + 1;
      return null;
    end $$`.execute(db);
  await sql`drop trigger job_counts_insert on jobs`.execute(db);
  await sql`create trigger job_counts_insert after insert on jobs for each row execute function job_counts_add()`.execute(db);
  await sql`drop function job_counts_add_all()`.execute(db);
}
