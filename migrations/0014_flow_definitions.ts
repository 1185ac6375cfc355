import { sql, type Kysely } from 'kysely';

// Flows defined through the API (POST /flows), beside the files of the flows folder. `definition`
// is the flow as posted (the YAML's shape as JSON), declared again by every instance that reads
// it. `revision` takes a new value of one sequence on every write, so the set of (name, revision)
// pairs tells an instance whether its cached flows are still the table's.
//
// retry_backoff becomes a factor (simplejob's backoff power): 1 is a fixed delay, the old `true`
// is 2. Step runs read as runs: the list of step attempts, newest first, is read by queued_at.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence flow_revisions`.execute(db);
  await db.schema
    .createTable('flows')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('revision', 'bigint', (c) => c.notNull().defaultTo(sql`nextval('flow_revisions')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  for (const table of ['jobs', 'flow_steps']) {
    await sql`alter table ${sql.table(table)}
      alter column retry_backoff drop default,
      alter column retry_backoff type double precision using case when retry_backoff then 2 else 1 end,
      alter column retry_backoff set default 1`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_retry_backoff_range`)} check (retry_backoff >= 1 and retry_backoff <= 10)`.execute(db);
  }
  await sql`create index flow_steps_queued on flow_steps (queued_at desc, step_run_id desc) where queued_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index flow_steps_queued`.execute(db);
  for (const table of ['jobs', 'flow_steps']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_retry_backoff_range`)}`.execute(db);
    await sql`alter table ${sql.table(table)}
      alter column retry_backoff drop default,
      alter column retry_backoff type boolean using retry_backoff > 1,
      alter column retry_backoff set default false`.execute(db);
  }
  await db.schema.dropTable('flows').execute();
  await sql`drop sequence flow_revisions`.execute(db);
}
