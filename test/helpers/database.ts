import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/log.ts';

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', false);

/** The server test/run.ts started (or DATABASE_URL), as a URL to its `postgres` database. */
export function serverUrl(): string {
  const url = process.env.BOSUN_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('run tests through `npm test` (test/run.ts), which provides a PostgreSQL');
  return url;
}

/** Creates an empty database of its own for the calling test file, dropped when the file ends. */
export async function createTestDatabase(prefix = 'bosun_test'): Promise<string> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  after(async () => {
    const client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });
  return url.toString();
}

/** A fresh, migrated database for this test file, closed when the file ends. */
export async function migratedDatabase(): Promise<Database & { url: string }> {
  const url = await createTestDatabase();
  const database = openDatabase(url, testLogger);
  await migrateToLatest(database.db);
  after(() => database.close());
  return Object.assign(database, { url });
}
