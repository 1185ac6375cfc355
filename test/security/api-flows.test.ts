// Flows defined at run time (POST /flows) are shared by every user: the attacks they open, replayed
// against the real service. A user without the grant cannot define a flow running `command`; a
// flow's secrets are not shown to the next user (and survive a round trip as shown); and a flow
// that another user's flow-scheduling job starts cannot be turned into one that runs `command` on
// that job's arguments (`; id`).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startService } from '../../src/service.ts';
import { createToken } from '../../src/auth/tokens.ts';
import { createTestDatabase, testLogger } from '../helpers/database.ts';

const service = await startService(
  loadConfig({
    DATABASE_URL: await createTestDatabase(),
    PORT: '0',
    BOSUN_AUTH: 'on',
    BOSUN_DEFAULT_JOBS_DIR: mkdtempSync(join(tmpdir(), 'bosun-api-flows-')),
    BOSUN_SHUTDOWN_TIMEOUT: '1',
  }),
  testLogger,
);
after(() => service.stop());
const tokens = {
  alice: (await createToken(service.database.db, { user: 'alice', handlers: ['command'] })).token,
  bob: (await createToken(service.database.db, { user: 'bob' })).token,
};

async function call(method: string, path: string, options: { who?: keyof typeof tokens; body?: unknown } = {}) {
  const res = await fetch(`${service.url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[options.who ?? 'alice']}` },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

async function finished(flowRunId: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = (await call('GET', `/flow-runs/${flowRunId}`)).json.flow_run;
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    if (Date.now() > deadline) throw new Error(`flow run ${flowRunId} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a user without the command grant cannot define, nor take over, a flow running command', async () => {
  const steps = [{ id: 'a', handler: 'command', kwargs: { command: 'id' } }];
  const refused = await call('POST', '/flows', { who: 'bob', body: { name: 'bob-cmd', steps } });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.handler, 'command');
  assert.equal((await call('PUT', '/flows/bob-cmd', { who: 'bob', body: { steps } })).status, 403);
  assert.equal((await call('POST', '/flows', { body: { name: 'alice-cmd', steps } })).status, 201);
  assert.equal((await call('PUT', '/flows/alice-cmd', { who: 'bob', body: { steps: [{ id: 'a', handler: 'noop' }] } })).status, 403);
  assert.equal((await call('DELETE', '/flows/alice-cmd', { who: 'bob' })).status, 403);
  const start = await call('POST', '/flows/alice-cmd/runs', { who: 'bob', body: {} });
  assert.equal(start.status, 403, 'starting it is using command too');
});

test("a flow other users' jobs start cannot begin running a powerful handler through them", async () => {
  assert.equal((await call('POST', '/flows', { body: { name: 'shared', steps: [{ id: 'a', handler: 'noop' }] } })).status, 201);
  const job = await call('POST', '/jobs', { who: 'bob', body: { job_id: 'bob-starts-shared', handler: 'flow-scheduling', state: 'paused', kwargs: { flow_name: 'shared', flow_arguments: [{ x: '; id' }] } } });
  assert.equal(job.status, 201, JSON.stringify(job.json));
  const refused = await call('PUT', '/flows/shared', { body: { steps: [{ id: 'a', handler: 'command', kwargs: { command: 'echo ${args.x}' } }] } });
  assert.equal(refused.status, 409, JSON.stringify(refused.json));
  assert.match(refused.json.detail, /started by job\(s\) bob-starts-shared of other users; it cannot start using command/);
  const harmless = await call('PUT', '/flows/shared', { body: { steps: [{ id: 'a', handler: 'noop' }, { id: 'b', handler: 'noop', waits: ['a'] }] } });
  assert.equal(harmless.status, 200, JSON.stringify(harmless.json));
});

test('secrets in step kwargs are shown as *** and kept when the flow is put back as shown', async () => {
  const check = { id: 'check', handler: 'command', kwargs: { command: ['sh', '-c', 'test "$API_TOKEN" = s3cret'], env: { API_TOKEN: 's3cret' } } };
  assert.equal((await call('POST', '/flows', { body: { name: 'with-secret', steps: [check] } })).status, 201);
  const shown = await call('GET', '/flows/with-secret');
  assert.deepEqual(shown.json.flow.steps[0].kwargs.env, { API_TOKEN: '***' });
  const steps = [{ id: 'check', handler: 'command', kwargs: shown.json.flow.steps[0].kwargs }, { id: 'after', handler: 'noop', waits: ['check'] }];
  const put = await call('PUT', '/flows/with-secret', { body: { steps } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  const started = await call('POST', '/flows/with-secret/runs', { body: {} });
  const run = await finished(started.json.flow_run.flow_run_id);
  assert.equal(run.status, 'succeeded', JSON.stringify(run.steps));
});
