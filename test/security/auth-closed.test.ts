// Replays issue #24 points 2 and 5 (authentication): revoking the last token reopened the API to
// anonymous callers on loopback, and POST /dashboard/schedule-preview needed no token even with
// BOSUN_AUTH=on. Also walks every operation of the served spec anonymously: only the public reads
// (health, the spec, Swagger UI, the dashboard's pages and assets) may answer without a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/api/app.ts';
import { loadOpenApi, servedSpec } from '../../src/api/openapi.ts';
import { createAuthPolicy, type AuthMode } from '../../src/auth/auth-policy.ts';
import { createToken, revokeTokens } from '../../src/auth/tokens.ts';
import { loadHandlers } from '../../src/handlers/registry.ts';
import { createJobCommands } from '../../src/jobs/commands.ts';
import { startBoss } from '../../src/queue/boss.ts';
import { ensureFireQueue } from '../../src/scheduler/fire-queue.ts';
import { migratedDatabase, testLogger } from '../helpers/database.ts';

const database = await migratedDatabase();
const boss = await startBoss(database.url, 'pgboss', testLogger);
test.after(() => boss.stop({ graceful: false, close: true }));
await ensureFireQueue(boss);
const registry = await loadHandlers();
const spec = servedSpec(loadOpenApi(), registry.list());
const commands = createJobCommands({ db: database.db, boss, logger: testLogger });

/** The real app on this file's database, its auth policy made as the service makes it. */
function app(mode: AuthMode, host = '127.0.0.1') {
  return createApp({
    logger: testLogger,
    bodyLimitBytes: 64 * 1024,
    spec: () => spec,
    health: { ready: async () => true },
    data: { db: database.db, commands, registry },
    auth: createAuthPolicy(database.db, mode, host),
  });
}

const interval = { kind: 'interval', everyMs: 3_600_000, anchor: '2026-02-20T14:56:00.000Z', timezone: 'UTC', misfireGraceMs: 1000 };
const preview = { schedules: [{ schedule: interval }], count: 3 };
const json = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

// Runs first: the database has never had a token.
test('auto on loopback: open before any token; closed from the first token on, also once every token is revoked', async () => {
  const before = app('auto');
  assert.equal((await before.request('/api/v1/jobs')).status, 200, 'no token was ever made: the operator on loopback');

  const { token, info } = await createToken(database.db, { user: 'alice' });
  const fresh = app('auto');
  assert.equal((await fresh.request('/api/v1/jobs')).status, 401);
  assert.equal((await fresh.request('/api/v1/jobs', { headers: { authorization: `Bearer ${token}` } })).status, 200);

  assert.deepEqual(await revokeTokens(database.db, { tokenId: info.token_id }), [info.token_id]);
  // The attack: every token revoked, an anonymous request on loopback. A policy made now (a
  // restart) and the one that saw the token both stay closed.
  for (const [name, served] of [['after a restart', app('auto')], ['the running service', fresh]] as const) {
    const res = await served.request('/api/v1/jobs');
    assert.equal(res.status, 401, name);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal((await served.request('/api/v1/jobs', { method: 'POST', ...json({ handler: 'noop' }) })).status, 401, `${name}: no anonymous create`);
    assert.equal((await served.request('/api/v1/jobs', { headers: { authorization: `Bearer ${token}` } })).status, 401, `${name}: the revoked token itself`);
  }
  // The operator's explicit way back.
  assert.equal((await app('off').request('/api/v1/jobs')).status, 200, 'BOSUN_AUTH=off serves without a token on purpose');
});

test('BOSUN_AUTH=on: the schedule preview and /metrics need a token; with one they answer', async () => {
  const served = app('on');
  const { token } = await createToken(database.db, { user: 'carol' });
  const anonymous = await served.request('/dashboard/schedule-preview', json(preview));
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { type: string }).type, 'https://bosun.dev/problems/unauthorized');
  assert.equal((await served.request('/dashboard/schedule-preview', json(preview, 'bosun_not-a-token'))).status, 401);
  const signedIn = await served.request('/dashboard/schedule-preview', json(preview, token));
  assert.equal(signedIn.status, 200, await signedIn.clone().text());
  assert.equal(((await signedIn.json()) as { previews: unknown[] }).previews.length, 1);

  for (const path of ['/metrics', '/api/v1/metrics']) {
    assert.equal((await served.request(path)).status, 401, path);
    assert.equal((await served.request(path, { headers: { authorization: `Bearer ${token}` } })).status, 200, path);
  }
});

test('BOSUN_AUTH=on: every operation of the served spec asks for a token, but the public reads', async () => {
  const served = app('on');
  const paths = spec.json.paths as Record<string, Record<string, unknown>>;
  const open: string[] = [];
  let asked = 0;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
      const url = `/api/v1${path.replace(/\{[^}]+\}/g, 'x')}`;
      const res = await served.request(url, { method: method.toUpperCase() });
      if (res.status !== 401) open.push(`${method.toUpperCase()} ${path} → ${res.status}`);
      else asked++;
    }
  }
  assert.ok(asked > 20, `only ${asked} operations asked for a token`);
  const publicRead = /^GET \/(liveness|readiness|openapi\.(json|yaml)|ui(\/\S*)?) → \d+$/;
  assert.deepEqual(open.filter((o) => !publicRead.test(o)), [], 'answered without a token');
  for (const path of ['/liveness', '/readiness', '/openapi.json', '/openapi.yaml']) assert.ok(open.includes(`GET ${path} → 200`), path);

  // Outside the spec: the UI and the dashboard's shell and assets are open; anything else is closed.
  for (const path of ['/api/v1/ui/', '/api/v1/ui/swagger-ui.css', '/dashboard/', '/dashboard/jobs/x', '/dashboard/assets/app.js']) {
    assert.equal((await served.request(path)).status, 200, path);
  }
  for (const [method, path] of [['POST', '/dashboard/schedule-preview'], ['GET', '/metrics'], ['GET', '/api/v1/no-such-route'], ['DELETE', '/dashboard/']] as const) {
    assert.equal((await served.request(path, { method })).status, 401, `${method} ${path}`);
  }
});
