import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { waitForDatabase } from './wait-for-database.ts';
import { runningServer, startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.ts';

/** Where this process's database is, and the embedded server it started for it, if any. */
export interface DatabaseTarget {
  url: string;
  /** Set when this process started the server; stop it when done. */
  embedded?: EmbeddedServer;
}

/**
 * The service's database: DATABASE_URL once it answers (waited for up to BOSUN_DB_WAIT), else an embedded server of its own on BOSUN_DATA_DIR
 * (created on first start, reused after).
 */
export async function serviceDatabase(config: Config, logger: Logger): Promise<DatabaseTarget> {
  if (config.databaseUrl !== undefined) {
    await waitForDatabase(config.databaseUrl, { waitMs: config.databaseWaitMs, logger });
    return { url: config.databaseUrl };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger, binDir: config.pgBinDir });
  return { url: embedded.url, embedded };
}

/**
 * An admin command's database (`migrate`, `tokens`): as the service's, except that the embedded
 * server a running bosun already has up on the data folder is used as it is, not restarted.
 */
export async function adminDatabase(config: Config, logger: Logger): Promise<DatabaseTarget> {
  if (config.databaseUrl === undefined) {
    const running = runningServer(config.dataDir);
    if (running !== undefined) return { url: running.url };
  }
  return serviceDatabase(config, logger);
}
