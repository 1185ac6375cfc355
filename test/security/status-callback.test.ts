// Attacks on Tethys' status callback, a GET that changes a run, replayed against the real app:
// a page of another site making the browser call it (<img src>, a no-cors fetch), a caller without
// a token at the root mount, another user's job, and label filters built to reach into SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness } from '../integration/api/harness.ts';

const h = await apiHarness();
const LATER = new Date(Date.now() + 86_400_000).toISOString();

const created = await h.call('POST', '/jobs', { who: 'alice', body: { job_id: 'alice-27', handler: 'noop', when: LATER, labels: { team: 'data' } } });
assert.equal(created.status, 201, created.text);
// No worker here: the run stays waiting, the callback's current run.
const started = await h.call('POST', '/jobs/alice-27/run', { who: 'alice' });
const runId = started.json.run && (started.json.run as { run_id: string }).run_id;

const callback = (path: string, headers: Record<string, string>) => h.app.request(path, { headers });
const bearer = (who: 'alice' | 'bob') => ({ authorization: `Bearer ${h.tokens[who]}` });
const logLines = async () => ((await h.call('GET', `/runs/${runId}`, { who: 'alice' })).json.run as { log: unknown[] }).log.length;

test('a page of another site cannot make a browser report on a run', async () => {
  const before = await logLines();
  for (const path of ['/update-job-status/alice-27/', '/api/v1/update-job-status/alice-27/?status=failed']) {
    const sites: Array<Record<string, string>> = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { origin: 'null' }];
    for (const site of sites) {
      const res = await callback(path, { ...bearer('alice'), ...site });
      assert.equal(res.status, 403, `${path} ${JSON.stringify(site)}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
    }
  }
  assert.equal(await logLines(), before, 'nothing was applied');
  // The same request from bosun's own pages, or from a script, is served.
  assert.equal((await callback('/update-job-status/alice-27/', { ...bearer('alice'), 'sec-fetch-site': 'same-origin' })).status, 200);
  assert.equal(await logLines(), before + 1);
});

test('the root mount is closed like /api/v1: no token, 401; another user, 404 as missing', async () => {
  assert.equal((await callback('/update-job-status/alice-27/', {})).status, 401);
  assert.equal((await callback('/update-job-status/alice-27/', { authorization: 'Bearer not-a-token' })).status, 401);
  const bob = await callback('/update-job-status/alice-27/?status=failed', bearer('bob'));
  assert.equal(bob.status, 404);
  assert.equal(((await h.call('GET', `/runs/${runId}`, { who: 'alice' })).json.run as { status: string }).status, 'scheduled');
});

test('label filters are data, never SQL or JSON structure; their number is bounded', async () => {
  for (const label of [`team:data"}'; drop table jobs; --`, 'team:data","owner":"bob', 'team:%', `team:${'x'.repeat(300)}`]) {
    const res = await h.call('GET', `/jobs?label=${encodeURIComponent(label)}`, { who: 'admin' });
    assert.ok(res.status === 200 || res.status === 400, `${res.status} ${res.text.slice(0, 200)}`);
    if (res.status === 200) assert.deepEqual(res.json.jobs, [], label);
  }
  assert.equal((await h.call('GET', '/jobs?label=team:data', { who: 'admin' })).json.total, 1, 'the table is still there');
  const many = Array.from({ length: 33 }, (_, i) => `label=l${i}:x`).join('&');
  assert.equal((await h.call('GET', `/jobs?${many}`, { who: 'admin' })).status, 400);
});
