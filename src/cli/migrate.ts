import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { adminDatabase } from '../db/connect-target.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';

/** `bosun migrate`: applies pending migrations and exits; prints what it applied. */
export async function migrateCommand(config: Config, logger: Logger): Promise<number> {
  const { url, embedded } = await adminDatabase(config, logger);
  const database = openDatabase(url, logger, 2);
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
