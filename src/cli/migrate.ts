import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';

/** `bosun migrate`: applies pending migrations and exits; prints what it applied. */
export async function migrateCommand(config: Config, logger: Logger): Promise<number> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger, binDir: process.env.BOSUN_PG_BIN_DIR });
  const database = openDatabase(config.databaseUrl ?? embedded!.url, logger, 2);
  try {
    const results = await migrateToLatest(database.db);
    if (results.length === 0) process.stdout.write('database is up to date\n');
    for (const r of results) process.stdout.write(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}\n`);
    return 0;
  } finally {
    await database.close();
    await embedded?.stop();
  }
}
