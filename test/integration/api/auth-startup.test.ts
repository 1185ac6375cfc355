// Tokens made with the real `bosun tokens` binary, used against the real service; and the
// refusal to serve an open API off loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';

const run = promisify(execFile);
const ROOT = new URL('../../..', import.meta.url).pathname;

function env(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', BOSUN_DEFAULT_JOBS_DIR: '/nonexistent-bosun-jobs', ...extra };
}

async function bosun(args: string[], databaseUrl: string) {
  return run(process.execPath, ['src/cli/main.ts', ...args], { cwd: ROOT, env: env(databaseUrl) });
}

test('a token made by `bosun tokens create` opens the API; revoked, it no longer does', async () => {
  const url = await createTestDatabase();
  const created = await bosun(['tokens', 'create', '--user', 'alice'], url);
  const token = created.stdout.trim();
  assert.match(token, /^\S{20,}$/);
  assert.match(created.stderr, /shown once/);

  const listed = JSON.parse((await bosun(['tokens', 'list', '--json'], url)).stdout) as Array<Record<string, unknown>>;
  assert.equal(listed.length, 1);
  assert.equal(listed[0]!.user_name, 'alice');
  assert.ok(!JSON.stringify(listed).includes(token), 'the token itself is never listed');

  const app = spawnLogged(process.execPath, ['src/main.ts'], env(url), ROOT);
  try {
    const base = String((await app.waitForLine((l) => l.msg === 'bosun API listening')).url);
    // A token exists, so even on loopback one is required.
    assert.equal((await fetch(`${base}/api/v1/jobs`)).status, 401);
    assert.equal((await fetch(`${base}/api/v1/jobs`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await fetch(`${base}/api/v1/jobs`, { headers: { auth_token: token } })).status, 200);

    await bosun(['tokens', 'revoke', '--user', 'alice'], url);
    assert.equal((await fetch(`${base}/api/v1/jobs`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
  }
});

test('bound off loopback with no token, bosun refuses to start unless BOSUN_AUTH=off', async () => {
  const url = await createTestDatabase();
  const refused = spawnLogged(process.execPath, ['src/main.ts'], env(url, { HOST: '0.0.0.0' }), ROOT);
  const { code } = await refused.exited;
  assert.equal(code, 1);
  assert.match(refused.output(), /BOSUN_AUTH: HOST=0\.0\.0\.0 is not loopback and no API token exists/);

  const open = spawnLogged(process.execPath, ['src/main.ts'], env(url, { HOST: '0.0.0.0', BOSUN_AUTH: 'off' }), ROOT);
  try {
    const listening = await open.waitForLine((l) => l.msg === 'bosun API listening');
    const port = new URL(String(listening.url).replace('0.0.0.0', '127.0.0.1')).port;
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/jobs`)).status, 200);
  } finally {
    open.child.kill('SIGTERM');
    await open.exited;
  }
});
