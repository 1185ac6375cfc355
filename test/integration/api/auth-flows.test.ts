// A flow's arguments reach its steps' kwargs, so starting a flow whose steps run `command`, or
// creating a flow-scheduling job for it, is using `command`: the real service (in this process,
// the repository's flows) refuses a plain token with 403 naming it, and a granted one may.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { startService } from '../../../src/service.ts';
import { createToken } from '../../../src/auth/tokens.ts';
import { createTestDatabase, testLogger } from '../../helpers/database.ts';

const config = loadConfig({
  DATABASE_URL: await createTestDatabase(),
  PORT: '0',
  BOSUN_AUTH: 'on',
  BOSUN_DEFAULT_JOBS_DIR: mkdtempSync(join(tmpdir(), 'bosun-auth-flows-')),
  BOSUN_ROLES: 'api',
  BOSUN_SHUTDOWN_TIMEOUT: '1',
});
const service = await startService(config, testLogger);
after(() => service.stop());
const plain = (await createToken(service.database.db, { user: 'bob' })).token;
const granted = (await createToken(service.database.db, { user: 'alice', handlers: ['command'] })).token;

const post = async (path: string, token: string, body: unknown) => {
  const res = await fetch(`${service.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

test("starting a flow whose steps run command is 403 naming command for a plain token; granted, it starts", async () => {
  const refused = await post('/flows/bayesianFlow/runs', plain, { arguments: { ecosystem: 'npm', name: 'x; id', version: '1' } });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.handler, 'command');
  const started = await post('/flows/bayesianFlow/runs', granted, { arguments: { ecosystem: 'npm', name: 'serve-static', version: '1.7.1' } });
  assert.equal(started.status, 201, JSON.stringify(started.json));
});

test('a flow-scheduling job for that flow is using command too', async () => {
  const job = { handler: 'flow-scheduling', kwargs: { flow_name: 'bayesianFlow', flow_arguments: [{ name: 'x; id' }] }, state: 'paused' };
  const refused = await post('/jobs', plain, { job_id: 'bob-flow', ...job });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.handler, 'command');
  assert.equal((await post('/jobs', granted, { job_id: 'alice-flow', ...job })).status, 201);
});
