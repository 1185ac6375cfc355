import { sql, type Kysely } from 'kysely';

// Free metadata on jobs (Tethys' `extended_properties`, and `labels` to filter lists by), the
// manual runs a job has had (apart from `run_count`, which counts scheduled occurrences and so
// drives `max_runs`), and what happens once a job has nothing left to run (Akjob's delete-when-done).
//
// `labels` is filtered with `@>`: a GIN index (jsonb_path_ops: containment only, the small
// kind) holds the jobs that have labels, so a filter reads only those.
//
// `on_finish = 'delete'` is one rule in one place: a job that is `finished` and has no run
// left unfinished is deleted, as DELETE /jobs/{id} does (its runs go with it, failures stay),
// with an audit entry by `bosun`. It is checked whenever such a job's row is written: every
// statement that ends a run also records its outcome on the job's row (last_run_status), and a
// row trigger's WHEN costs the other jobs nothing. A trigger on runs would see the same ends, but
// a statement trigger with a transition table made every settle an order of magnitude slower.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('extended_properties', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('labels', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('manual_run_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('on_finish', 'text', (c) => c.notNull().defaultTo('keep').check(sql`on_finish in ('keep', 'delete')`))
    .execute();
  await sql`create index jobs_labels on jobs using gin (labels jsonb_path_ops) where labels <> '{}'::jsonb`.execute(db);
  await sql`
    create function jobs_delete_finished(ids text[]) returns void language plpgsql as $$
    begin
      with gone as (
        delete from jobs j
        where j.job_id = any(ids) and j.on_finish = 'delete' and j.state = 'finished'
          and not exists (select 1 from runs r where r.job_id = j.job_id and r.status in ('running', 'scheduled'))
        returning j.job_id, j.owner)
      insert into audit_log (actor, action, job_id, owner, detail)
      select 'bosun', 'deleted', job_id, owner, '{"reason": "on_finish: delete"}'::jsonb from gone;
    end $$`.execute(db);
  await sql`
    create function jobs_finished_deleted() returns trigger language plpgsql as $$
    begin
      perform jobs_delete_finished(array[new.job_id]);
      return null;
    end $$`.execute(db);
  // A row trigger whose WHEN is read without calling anything: the claims' updates of every other job pay nothing.
  await sql`create trigger jobs_on_finish after insert or update on jobs for each row when (new.state = 'finished' and new.on_finish = 'delete') execute function jobs_finished_deleted()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger jobs_on_finish on jobs`.execute(db);
  await sql`drop function jobs_finished_deleted()`.execute(db);
  await sql`drop function jobs_delete_finished(text[])`.execute(db);
  await sql`drop index jobs_labels`.execute(db);
  await db.schema.alterTable('jobs').dropColumn('on_finish').dropColumn('manual_run_count').dropColumn('labels').dropColumn('extended_properties').execute();
}
