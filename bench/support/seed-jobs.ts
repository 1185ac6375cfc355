// Stores many job definitions through bosun's own bulk path (JobCommands.upsert), as the YAML
// sync would: a pg-boss of this process on the service's schema enqueues their occurrences.
import { PgBoss } from 'pg-boss';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createJobCommands } from '../../src/jobs/commands.ts';
import { defineJob } from '../../src/jobs/define-job.ts';
import { loadHandlers } from '../../src/handlers/registry.ts';
import { ensureFireQueue } from '../../src/scheduler/fire-queue.ts';
import type { Logger } from '../../src/log.ts';

/** Stores `count` daily noop jobs `<prefix>-<i>`, first due tomorrow (none fires during a benchmark); returns ms taken. */
export async function seedDailyJobs(databaseUrl: string, count: number, prefix: string, logger: Logger, chunk = 1000): Promise<number> {
  const database = openDatabase(databaseUrl, logger, 5);
  await migrateToLatest(database.db);
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', supervise: false, schedule: false });
  boss.on('error', (err) => logger.error({ err }, 'pg-boss error'));
  await boss.start();
  await ensureFireQueue(boss);
  const registry = await loadHandlers();
  const commands = createJobCommands({ db: database.db, boss, logger });
  const now = new Date();
  const when = new Date(now.getTime() + 86_400_000 + Math.floor(Math.random() * 3_600_000)).toISOString();
  const t0 = performance.now();
  for (let i = 0; i < count; i += chunk) {
    const defs = [];
    for (let k = i; k < Math.min(count, i + chunk); k++) {
      defs.push(defineJob({ job_id: `${prefix}-${k}`, handler: 'noop', periodically: '1 day', when, description: `seeded job ${k}` }, { registry, now, source: 'api', owner: null }));
    }
    await commands.upsert(defs);
  }
  const ms = performance.now() - t0;
  await boss.stop({ graceful: false, close: true });
  await database.close();
  return ms;
}
