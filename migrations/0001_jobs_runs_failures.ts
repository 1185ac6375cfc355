import { sql, type Kysely } from 'kysely';

// bosun's own tables. pg-boss keeps its queue in its own schema; these hold the
// job model, one row per firing, and one row per failed attempt.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('job_id', 'text', (c) => c.primaryKey())
    .addColumn('handler', 'text', (c) => c.notNull())
    .addColumn('kwargs', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('description', 'text')
    // The schedule fields as the user wrote them (periodically, when, cron, …), shown back
    // as written, and the parsed form the scheduler computes occurrences from.
    .addColumn('schedule_input', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('schedule', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'running', 'paused', 'finished')`))
    .addColumn('overlap', 'text', (c) => c.notNull().defaultTo('skip').check(sql`overlap in ('skip', 'queue', 'allow')`))
    .addColumn('timeout_ms', 'integer', (c) => c.check(sql`timeout_ms > 0`))
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0).check(sql`retries >= 0`))
    .addColumn('retry_delay_ms', 'integer', (c) => c.notNull().defaultTo(0).check(sql`retry_delay_ms >= 0`))
    .addColumn('retry_backoff', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('owner', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('api'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('next_run_at', 'timestamptz')
    .addColumn('last_run_at', 'timestamptz')
    .addColumn('last_run_status', 'text')
    .addColumn('run_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['state', 'next_run_at']).execute();
  await db.schema.createIndex('jobs_owner').on('jobs').columns(['owner', 'job_id']).execute();

  await db.schema
    .createTable('runs')
    .addColumn('run_id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.job_id').onDelete('cascade'))
    .addColumn('scheduled_for', 'timestamptz', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('schedule', 'manual', 'flow')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('scheduled', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'misfired', 'skipped')`),
    )
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('host', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('result', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('log', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One run per scheduled occurrence, whatever number of instances fire it: the
  // database, not timing, is what makes firing exactly-once.
  await sql`create unique index runs_one_per_occurrence on runs (job_id, scheduled_for) where trigger = 'schedule'`.execute(db);
  await db.schema.createIndex('runs_job_time').on('runs').columns(['job_id', 'scheduled_for desc']).execute();
  await db.schema.createIndex('runs_status_time').on('runs').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('runs_created').on('runs').column('created_at').execute();

  await db.schema
    .createTable('failures')
    .addColumn('failure_id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // No foreign keys: a failure outlives the job and the run it belonged to.
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'uuid')
    .addColumn('handler', 'text', (c) => c.notNull())
    .addColumn('kwargs', 'jsonb', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('error_name', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('stack', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('host', 'text')
    .addColumn('failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('failures_time').on('failures').column('failed_at desc').execute();
  await db.schema.createIndex('failures_job').on('failures').columns(['job_id', 'failed_at desc']).execute();

  // Service-wide switches such as "the whole scheduler is paused", shared by every instance.
  await db.schema
    .createTable('service_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('service_settings').execute();
  await db.schema.dropTable('failures').execute();
  await db.schema.dropTable('runs').execute();
  await db.schema.dropTable('jobs').execute();
}
