import { sql, type Kysely } from 'kysely';

// Flow runs and their steps. The flow's graph is declared in YAML (flows/); a run copies each
// step's handler, resolved kwargs and policy, so a run reads back as it ran even after the file
// changes. pg-boss carries the step attempts (queue bosun-flow-step); these rows are the state.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('flow_runs')
    .addColumn('flow_run_id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('flow_name', 'text', (c) => c.notNull())
    .addColumn('arguments', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'various', 'succeeded', 'failed')`))
    // The job (flow-scheduling) and run that started it; no foreign keys: a flow run outlives them.
    .addColumn('job_id', 'text')
    .addColumn('origin_run_id', 'uuid')
    .addColumn('origin_index', 'integer')
    .addColumn('owner', 'text')
    .addColumn('selection', 'jsonb')
    .addColumn('reruns', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // A retried flow-scheduling run starts each of its flow runs once.
  await sql`create unique index flow_runs_once_per_origin on flow_runs (origin_run_id, origin_index) where origin_run_id is not null`.execute(db);
  await db.schema.createIndex('flow_runs_name_time').on('flow_runs').columns(['flow_name', 'created_at desc']).execute();
  await db.schema.createIndex('flow_runs_job').on('flow_runs').columns(['job_id', 'created_at desc']).execute();

  await db.schema
    .createTable('flow_steps')
    .addColumn('flow_run_id', 'uuid', (c) => c.notNull().references('flow_runs.flow_run_id').onDelete('cascade'))
    .addColumn('step_id', 'text', (c) => c.notNull())
    // The step's own id in this run: what handlers see as context.runId and failure rows carry.
    .addColumn('step_run_id', 'uuid', (c) => c.notNull().unique().defaultTo(sql`gen_random_uuid()`))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('handler', 'text', (c) => c.notNull())
    // As declared (placeholders and all), and as resolved when the step was queued.
    .addColumn('kwargs', 'jsonb', (c) => c.notNull())
    .addColumn('resolved_kwargs', 'jsonb')
    .addColumn('waits', sql`text[]`, (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('waiting', 'queued', 'running', 'succeeded', 'failed', 'timed_out', 'blocked', 'skipped')`),
    )
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('timeout_ms', 'integer')
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retry_delay_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retry_backoff', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('host', 'text')
    .addColumn('queued_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('exit_code', 'integer')
    .addColumn('result', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('log', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addPrimaryKeyConstraint('flow_steps_pk', ['flow_run_id', 'step_id'])
    .execute();
  // "Which waiting steps wait for X": a GIN index on waits, without the pending list (step rows
  // are updated all the time, and a pending list would be scanned by every lookup).
  await sql`create index flow_steps_waits on flow_steps using gin (waits) with (fastupdate = off)`.execute(db);
  // The aggregate status asks "is anything left to run / did anything fail" after every step:
  // partial indexes answer in O(1) however many steps already succeeded.
  await sql`create index flow_steps_active on flow_steps (flow_run_id, status) where status in ('waiting', 'queued', 'running')`.execute(db);
  await sql`create index flow_steps_bad on flow_steps (flow_run_id, status) where status in ('failed', 'timed_out', 'blocked')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('flow_steps').execute();
  await db.schema.dropTable('flow_runs').execute();
}
