import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, testLogger } from '../helpers/database.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

test('migrations create bosun tables, once, even when instances start together', async () => {
  const url = await createTestDatabase();
  const instances = Array.from({ length: 3 }, () => openDatabase(url, testLogger, 2));
  try {
    const results = await Promise.all(instances.map((d) => migrateToLatest(d.db)));
    const applied = results.flat().filter((r) => r.status === 'Success');
    assert.equal(applied.length, results[0]!.length + results[1]!.length + results[2]!.length);
    // Each migration applied by exactly one of the three.
    const names = applied.map((r) => r.migrationName);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.includes('0001_jobs_runs_failures'));

    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(instances[0]!.db);
    const tables = rows.map((r) => r.table_name);
    for (const t of ['jobs', 'runs', 'failures', 'service_settings', 'bosun_migrations']) assert.ok(tables.includes(t), t);

    assert.deepEqual(await migrateToLatest(instances[0]!.db), [], 'a second run applies nothing');
  } finally {
    await Promise.all(instances.map((d) => d.close()));
  }
});

test('the schema allows one scheduled run per occurrence', async () => {
  const url = await createTestDatabase();
  const database = openDatabase(url, testLogger, 2);
  try {
    await migrateToLatest(database.db);
    const { db } = database;
    await db.insertInto('jobs').values({ job_id: 'j', handler: 'noop', kwargs: '{}', schedule_input: '{}', schedule: '{}', state: 'running' }).execute();
    const at = new Date('2026-01-01T00:00:00Z');
    await db.insertInto('runs').values({ job_id: 'j', scheduled_for: at, trigger: 'schedule', status: 'scheduled', host: null, started_at: null, finished_at: null, result: null, error: null }).execute();
    await assert.rejects(
      db.insertInto('runs').values({ job_id: 'j', scheduled_for: at, trigger: 'schedule', status: 'scheduled', host: null, started_at: null, finished_at: null, result: null, error: null }).execute(),
      /runs_one_per_occurrence/,
    );
    // A manual run at the same instant is another run.
    await db.insertInto('runs').values({ job_id: 'j', scheduled_for: at, trigger: 'manual', status: 'scheduled', host: null, started_at: null, finished_at: null, result: null, error: null }).execute();
  } finally {
    await database.close();
  }
});
