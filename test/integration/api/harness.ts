// Builds the real API (real database, real pg-boss, real engine commands, real handlers)
// for app.request() tests, with a token per role.
import { after } from 'node:test';
import { createApp } from '../../../src/api/app.ts';
import { loadOpenApi, servedSpec } from '../../../src/api/openapi.ts';
import { createAuthPolicy, type AuthMode } from '../../../src/auth/auth-policy.ts';
import { createToken } from '../../../src/auth/tokens.ts';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { auditedCommands } from '../../../src/audit/audited-commands.ts';
import { currentActor } from '../../../src/audit/actor-context.ts';
import { startBoss } from '../../../src/queue/boss.ts';
import { ensureFireQueue } from '../../../src/scheduler/fire-queue.ts';
import { migratedDatabase, testLogger } from '../../helpers/database.ts';

export async function apiHarness(options: { mode?: AuthMode; host?: string; bodyLimitBytes?: number; jobViewCacheSize?: number; handlerDirs?: string[]; audited?: boolean } = {}) {
  const database = await migratedDatabase();
  const boss = await startBoss(database.url, 'pgboss', testLogger);
  after(() => boss.stop({ graceful: false, close: true }));
  await ensureFireQueue(boss);
  const registry = await loadHandlers(options.handlerDirs);
  const engine = createJobCommands({ db: database.db, boss, logger: testLogger });
  // As the service wires them: every change recorded in the audit log, by the caller.
  const commands = options.audited ? auditedCommands(engine, { db: database.db, logger: testLogger, actor: () => currentActor() ?? 'system' }) : engine;
  const spec = servedSpec(loadOpenApi(), registry.list());
  const app = createApp({
    logger: testLogger,
    bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
    spec: () => spec,
    health: { ready: async () => true },
    data: { db: database.db, commands, registry, jobViewCacheSize: options.jobViewCacheSize },
    auth: createAuthPolicy(database.db, options.mode ?? 'auto', options.host ?? '127.0.0.1'),
  });
  const tokens = {
    alice: (await createToken(database.db, { user: 'alice' })).token,
    bob: (await createToken(database.db, { user: 'bob' })).token,
    admin: (await createToken(database.db, { user: 'root', admin: true })).token,
  };
  /** A request as `who` (a token name, or a raw token, or none). */
  const call = async (method: string, path: string, init: { who?: keyof typeof tokens | null; body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
    if (init.who) headers.authorization = `Bearer ${tokens[init.who]}`;
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    const res = await app.request(`/api/v1${path}`, { method, headers, body });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    return { status: res.status, json, res, text };
  };
  return { app, database, spec, tokens, call };
}
