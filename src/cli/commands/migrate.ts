import { loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { migrateCommand } from '../migrate.ts';

/** `bosun migrate`: applies pending migrations to DATABASE_URL (or the embedded server) and exits. */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: bosun migrate\n\nApplies pending database migrations to DATABASE_URL (or the embedded server) and exits.\n');
    return 0;
  }
  const config = loadConfig();
  return migrateCommand(config, createLogger(config.logLevel));
}
