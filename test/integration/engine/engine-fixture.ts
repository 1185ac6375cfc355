// Shared set-up of the engine's integration tests: a migrated database of the file's own, its
// pg-boss, job definitions built from a schedule input, and a registry of test handlers.
import { after } from 'node:test';
import { PgBoss } from 'pg-boss';
import { migratedDatabase, testLogger } from '../../helpers/database.ts';
import type { JobDefinition } from '../../../src/jobs/job.ts';
import { parseSchedule, type ScheduleInput } from '../../../src/schedule/index.ts';
import type { HandlerClass } from '../../../src/handlers/base-handler.ts';
import { ensureFireQueue } from '../../../src/scheduler/fire-queue.ts';

/** A started pg-boss on the given database, stopped when the file ends. */
export async function testBoss(url: string, schema = 'pgboss'): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, schema, useListenNotify: true, max: 20 });
  boss.on('error', (err) => testLogger.error({ err }, 'pg-boss error'));
  await boss.start();
  await ensureFireQueue(boss);
  after(() => boss.stop({ graceful: false, close: true }));
  return boss;
}

/** A database and a pg-boss on it, for one test file. */
export async function engineDatabase() {
  const database = await migratedDatabase();
  const boss = await testBoss(database.url);
  return { database, db: database.db, boss, url: database.url };
}

/** A JobDefinition as define-job.ts would build it, from a schedule input and overrides. */
export function definition(jobId: string, schedule: ScheduleInput, overrides: Partial<JobDefinition> = {}, now = new Date()): JobDefinition {
  return {
    job_id: jobId,
    handler: 'test-noop',
    kwargs: {},
    description: null,
    schedule_input: schedule,
    schedule: parseSchedule(schedule, now),
    state: 'running',
    overlap: 'skip',
    timeout_ms: null,
    retries: 0,
    retry_delay_ms: 0,
    retry_backoff: 1,
    owner: null,
    source: 'api',
    ...overrides,
  };
}

/** The injected registry the engine resolves handlers through. */
export function registryOf(...handlers: HandlerClass[]) {
  const byName = new Map<string, HandlerClass>();
  for (const h of handlers) byName.set(h.name, h);
  return {
    resolve(name: string): HandlerClass {
      const found = byName.get(name);
      if (!found) throw new Error(`unknown handler '${name}'`);
      return found;
    },
    list: () => [...byName.values()],
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
