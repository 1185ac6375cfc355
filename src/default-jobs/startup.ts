import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { loadConfiguredHandlers, type HandlerRegistry } from '../handlers/registry.ts';
import type { Logger } from '../log.ts';
import { API_URL } from './placeholders.ts';
import { syncDefaultJobs, type JobUpserter, type SyncReport } from './sync-default-jobs.ts';

/**
 * Startup's step for this area: loads every handler, then validates and applies the
 * default-jobs folder. Any broken handler file or job file throws, and startup stops with it.
 */
export async function startDefaultJobs(deps: {
  config: Pick<Config, 'handlersDir' | 'enabledHandlers' | 'defaultJobsDir' | 'pruneDefaultJobs'>;
  db: Kysely<DB>;
  commands: JobUpserter;
  logger: Logger;
  /** Handlers already loaded (startup loads them first, to load the flows before these job files). */
  registry?: HandlerRegistry;
  /** Where this machine reaches the API, for `${BOSUN_API_URL}` in job files. */
  apiUrl?: string;
}): Promise<{ registry: HandlerRegistry; report: SyncReport }> {
  const registry = deps.registry ?? (await loadConfiguredHandlers(deps.config));
  deps.logger.info({ handlers: registry.list().map((h) => h.name) }, 'handlers loaded');
  const report = await syncDefaultJobs({
    dir: deps.config.defaultJobsDir,
    registry,
    commands: deps.commands,
    db: deps.db,
    logger: deps.logger.child({ component: 'default-jobs' }),
    prune: deps.config.pruneDefaultJobs,
    placeholders: deps.apiUrl === undefined ? {} : { [API_URL]: deps.apiUrl },
  });
  return { registry, report };
}
