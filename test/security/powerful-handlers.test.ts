// Replays issue #24 point 3: any token could create a `command` job, which ran as bosun. Creating
// or changing a job of a powerful handler (command, function, http) now needs an admin token or a
// token granted that handler; others get 403 naming it, and nothing is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createToken } from '../../src/auth/tokens.ts';
import { apiHarness } from '../integration/api/harness.ts';

const h = await apiHarness({ mode: 'on' });
const granted = (await createToken(h.database.db, { user: 'alice', handlers: ['command'] })).token;
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const paused = { state: 'paused', when: '2099-01-01T00:00:00Z' };

const storedJob = async (jobId: string) => (await h.database.db.selectFrom('jobs').select(['handler', 'kwargs', 'description']).where('job_id', '=', jobId).executeTakeFirst()) ?? null;

function assertForbidden(r: { status: number; json: Record<string, unknown>; res: Response; text: string }, handler: string) {
  assert.equal(r.status, 403, r.text);
  assert.equal(r.res.headers.get('content-type'), 'application/problem+json');
  assert.equal(r.json.type, 'https://bosun.dev/problems/forbidden');
  assert.equal(r.json.field, 'handler');
  assert.equal(r.json.handler, handler);
  assert.match(String(r.json.detail), new RegExp(`handler '${handler}'.*--handlers ${handler}`));
}

test('a plain token creating a command, http or function job is 403 naming the handler, and nothing is stored', async () => {
  const attack = await h.call('POST', '/jobs/command?job_id=pwn', { who: 'bob', body: { command: ['sh', '-c', 'id; env'] } });
  assertForbidden(attack, 'command');
  assert.equal(await storedJob('pwn'), null);

  for (const [handler, kwargs] of [
    ['command', { command: 'id' }],
    ['http', { url: 'http://127.0.0.1:9/' }],
    ['function', { module: 'reports.ts' }],
  ] as const) {
    const r = await h.call('POST', '/jobs', { who: 'bob', body: { job_id: `pwn-${handler}`, handler, kwargs, ...paused } });
    assertForbidden(r, handler);
    assert.equal(await storedJob(`pwn-${handler}`), null, handler);
  }
  // Handlers that are not powerful stay open to every token.
  assert.equal((await h.call('POST', '/jobs', { who: 'bob', body: { job_id: 'bob-noop', handler: 'noop', ...paused } })).status, 201);
});

test('a token granted command can create command jobs, and only those; an admin token can create any', async () => {
  const mine = await h.call('POST', '/jobs', { headers: as(granted), body: { job_id: 'alice-cmd', handler: 'command', kwargs: { command: 'true' }, ...paused } });
  assert.equal(mine.status, 201, mine.text);
  assert.equal((mine.json.job as { owner: string }).owner, 'alice');
  assert.equal((await h.call('POST', '/jobs/command?job_id=alice-seed&state=paused', { headers: as(granted), body: { command: ['true'] } })).status, 201);
  assertForbidden(await h.call('POST', '/jobs', { headers: as(granted), body: { job_id: 'alice-http', handler: 'http', kwargs: { url: 'http://127.0.0.1:9/' }, ...paused } }), 'http');
  assert.equal(await storedJob('alice-http'), null);

  for (const [handler, kwargs] of [
    ['command', { command: 'true' }],
    ['http', { url: 'http://127.0.0.1:9/' }],
  ] as const) {
    assert.equal((await h.call('POST', '/jobs', { who: 'admin', body: { job_id: `root-${handler}`, handler, kwargs, ...paused } })).status, 201, handler);
  }
});

test('changing a job to or of a powerful handler needs the grant; running, pausing and deleting it do not', async () => {
  // To: bob's own noop job made a command job.
  assertForbidden(await h.call('PATCH', '/jobs/bob-noop', { who: 'bob', body: { handler: 'command', kwargs: { command: 'id' } } }), 'command');
  assert.equal((await storedJob('bob-noop'))?.handler, 'noop');

  // Of: alice's command job, changed with a token of hers that holds no grant (even a description).
  const plain = (await createToken(h.database.db, { user: 'alice' })).token;
  for (const patch of [{ kwargs: { command: 'id; env' } }, { description: 'harmless' }, { handler: 'noop', kwargs: {} }]) {
    assertForbidden(await h.call('PATCH', '/jobs/alice-cmd', { headers: as(plain), body: patch }), 'command');
  }
  const stored = await storedJob('alice-cmd');
  assert.deepEqual([stored?.handler, (stored?.kwargs as { command: string }).command, stored?.description], ['command', 'true', null]);

  // The granted token may change it.
  const changed = await h.call('PATCH', '/jobs/alice-cmd', { headers: as(granted), body: { kwargs: { command: 'echo changed' } } });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(((await storedJob('alice-cmd'))?.kwargs as { command: string }).command, 'echo changed');

  // What the job runs was decided by someone granted it: its owner may still run, pause, resume and delete it.
  assert.equal((await h.call('POST', '/jobs/alice-cmd/run', { headers: as(plain) })).status, 202);
  assert.equal((await h.call('PUT', '/jobs/alice-cmd?state=running', { headers: as(plain) })).status, 200);
  assert.equal((await h.call('PUT', '/jobs/alice-cmd?state=paused', { headers: as(plain) })).status, 200);
  assert.equal((await h.call('DELETE', '/jobs/alice-seed', { headers: as(plain) })).status, 200);
});

test('with BOSUN_AUTH=off the anonymous operator is admin: it may create a command job', async () => {
  const open = await apiHarness({ mode: 'off' });
  const r = await open.call('POST', '/jobs', { body: { job_id: 'operator-cmd', handler: 'command', kwargs: { command: 'true' }, ...paused } });
  assert.equal(r.status, 201, r.text);
});
