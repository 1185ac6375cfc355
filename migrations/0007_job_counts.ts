import { sql, type Kysely } from 'kysely';

// How many jobs each owner has, kept by triggers on jobs, so `GET /jobs` answers its exact
// `total` without counting every row on every page (a count(*) over 10 000 jobs is ~1 ms of
// Postgres CPU per request, growing with the jobs; the counter is a few rows whatever their
// number). Filtered lists (state, handler, search) still count their matches.
//
// Exact and transactional: the counter rows change in the transaction that inserts, deletes or
// re-owns jobs, so a statement reading both sees them agree. Each owner's count is spread over
// up to 64 rows (`slot` = the writing transaction's id mod 64), so concurrent creates do not
// wait on one another's counter row (a row is locked until its transaction commits, and
// transactions running together have nearby ids); a reader sums them. A transaction writes one
// slot, so it locks one counter row per owner (a multi-row delete locks them in owner order).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table job_counts (
      owner text,
      slot smallint not null,
      n bigint not null,
      constraint job_counts_owner_slot unique nulls not distinct (owner, slot)
    ) with (fillfactor = 50)`.execute(db);
  await sql`
    create function job_counts_remove() returns trigger language plpgsql as $$
    begin
      insert into job_counts (owner, slot, n)
      select owner, pg_current_xact_id()::text::bigint % 64, -count(*)
      from changed group by owner order by owner
      on conflict (owner, slot) do update set n = job_counts.n + excluded.n;
      return null;
    end $$`.execute(db);
  // A job created alone (the API's POST) costs one counter upsert this way, less than a
  // statement trigger's transition table; a bulk insert pays one upsert per row.
  await sql`
    create function job_counts_add() returns trigger language plpgsql as $$
    begin
      insert into job_counts (owner, slot, n) values (new.owner, pg_current_xact_id()::text::bigint % 64, 1)
      on conflict (owner, slot) do update set n = job_counts.n + 1;
      return null;
    end $$`.execute(db);
  await sql`
    create function job_counts_move() returns trigger language plpgsql as $$
    begin
      insert into job_counts (owner, slot, n)
      values (old.owner, pg_current_xact_id()::text::bigint % 64, -1), (new.owner, pg_current_xact_id()::text::bigint % 64, 1)
      on conflict (owner, slot) do update set n = job_counts.n + excluded.n;
      return null;
    end $$`.execute(db);
  await sql`
    create function job_counts_clear() returns trigger language plpgsql as $$
    begin
      delete from job_counts;
      return null;
    end $$`.execute(db);
  await sql`create trigger job_counts_insert after insert on jobs for each row execute function job_counts_add()`.execute(db);
  await sql`create trigger job_counts_delete after delete on jobs referencing old table as changed for each statement execute function job_counts_remove()`.execute(db);
  await sql`create trigger job_counts_owner after update of owner on jobs for each row when (old.owner is distinct from new.owner) execute function job_counts_move()`.execute(db);
  await sql`create trigger job_counts_truncate after truncate on jobs for each statement execute function job_counts_clear()`.execute(db);
  // The triggers' lock on jobs holds writers off until this commits, so the start is exact.
  await sql`insert into job_counts (owner, slot, n) select owner, 0, count(*) from jobs group by owner`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['job_counts_insert', 'job_counts_delete', 'job_counts_owner', 'job_counts_truncate']) await sql`drop trigger ${sql.ref(t)} on jobs`.execute(db);
  for (const f of ['job_counts_add', 'job_counts_remove', 'job_counts_move', 'job_counts_clear']) await sql`drop function ${sql.ref(f)}()`.execute(db);
  await sql`drop table job_counts`.execute(db);
}
