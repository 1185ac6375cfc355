import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { migratedDatabase } from '../helpers/database.ts';
import { dumpSchema } from '../../src/db/schema-dump.ts';
import { SCHEMA_FILE } from '../../scripts/dump-schema.ts';

test('db/schema.sql is what the migrations create (npm run schema:dump regenerates it)', async () => {
  const { db } = await migratedDatabase();
  const dumped = await dumpSchema(db);
  for (const table of ['jobs', 'runs', 'failures', 'service_settings']) assert.ok(dumped.includes(`create table ${table} (`), table);
  assert.match(dumped, /runs_one_per_occurrence/);
  assert.equal(await readFile(SCHEMA_FILE, 'utf8'), dumped, 'db/schema.sql is stale: run npm run schema:dump');
});
