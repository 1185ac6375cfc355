import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Database } from '../db/database.ts';
import type { PgBoss } from '../queue/boss.ts';
import { loadConfiguredHandlers, type HandlerRegistry } from '../handlers/registry.ts';
import { createJobCommands } from '../jobs/commands.ts';
import { checkAuthStartup, createAuthPolicy } from '../auth/auth-policy.ts';
import type { ApiDeps, JobCommandsPort } from './app.ts';
import { loadOpenApi, servedSpec } from './openapi.ts';
import { edgePolicy } from './guards/edge-policy.ts';

/**
 * Everything createApp needs in a running service: the served spec (committed contract plus
 * every loaded handler), handlers, engine commands and the auth policy. Refuses to start an
 * open API off loopback (see checkAuthStartup).
 */
export async function apiDeps(
  config: Config,
  parts: { database: Database; boss: PgBoss; logger: Logger; ready: () => Promise<boolean>; registry?: HandlerRegistry; commands?: JobCommandsPort },
): Promise<ApiDeps> {
  await checkAuthStartup(parts.database.db, config.auth, config.host);
  const registry = parts.registry ?? (await loadConfiguredHandlers(config));
  const commands = parts.commands ?? createJobCommands({ db: parts.database.db, boss: parts.boss, logger: parts.logger, queueSchema: config.bossSchema });
  const spec = servedSpec(loadOpenApi(), registry.list());
  return {
    logger: parts.logger,
    bodyLimitBytes: config.bodyLimitBytes,
    edge: edgePolicy(config),
    spec: () => spec,
    health: { ready: parts.ready },
    data: { db: parts.database.db, commands, registry, jobViewCacheSize: config.jobViewCacheSize },
    auth: createAuthPolicy(parts.database.db, config.auth, config.host),
  };
}
