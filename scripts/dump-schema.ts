// `npm run schema:dump`: migrates a scratch database on a private PostgreSQL and writes
// db/schema.sql; test/integration/schema-dump.test.ts fails when the file is stale.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { dumpSchema } from '../src/db/schema-dump.ts';

export const SCHEMA_FILE = new URL('../db/schema.sql', import.meta.url);

if (import.meta.main) {
  const logger = createLogger('warn', false);
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-schema-'));
  const server = await startEmbeddedPostgres({ dataDir, port: 55900, logger });
  const database = openDatabase(server.url, logger, 1);
  try {
    await migrateToLatest(database.db);
    await writeFile(SCHEMA_FILE, await dumpSchema(database.db));
    process.stdout.write(`wrote ${SCHEMA_FILE.pathname}\n`);
  } finally {
    await database.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
