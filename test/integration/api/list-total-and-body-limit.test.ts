// GET /jobs answers its page and total from one statement: the total must count every match
// (not the page) under each filter, and stay right on a short last page and past the end.
// The body limit is decided from Content-Length where it can be, by counting otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness } from './harness.ts';

const h = await apiHarness({ bodyLimitBytes: 1024 });
type J = Record<string, unknown>;

for (let i = 0; i < 7; i++) {
  const who = i < 5 ? 'alice' : 'bob';
  const state = i % 2 === 0 ? 'running' : 'paused';
  const r = await h.call('POST', `/jobs/noop?job_id=total-${i}&periodically=1%20day&state=${state}`, { who, body: {} });
  assert.equal(r.status, 201, r.text);
}

const list = async (query: string, who: 'alice' | 'admin' = 'admin') => {
  const r = await h.call('GET', `/jobs${query}`, { who });
  assert.equal(r.status, 200, r.text);
  return { ids: (r.json.jobs as J[]).map((j) => j.job_id), total: r.json.total, count: r.json.jobs_count };
};

test('total counts every match, not the page, under each filter and offset', async () => {
  assert.deepEqual(await list('?limit=2'), { ids: ['total-0', 'total-1'], total: 7, count: 7 });
  assert.deepEqual(await list('?limit=3&offset=6'), { ids: ['total-6'], total: 7, count: 7 });
  assert.deepEqual(await list('?limit=3&offset=7'), { ids: [], total: 7, count: 7 });
  assert.deepEqual(await list('?limit=3&offset=50'), { ids: [], total: 7, count: 7 });
  assert.equal((await list('?state=paused&limit=1')).total, 3);
  assert.equal((await list('?state=active&limit=1&sort=-job_id')).ids[0], 'total-6');
  assert.equal((await list('?owner=bob&limit=1')).total, 2);
  assert.equal((await list('?search=TOTAL-1&limit=1')).total, 1);
  assert.deepEqual(await list('?search=nothing-like-it'), { ids: [], total: 0, count: 0 });
  // A user sees only their own, and the total says so.
  assert.deepEqual(await list('?limit=1&offset=4', 'alice'), { ids: ['total-4'], total: 5, count: 5 });
  assert.deepEqual(await list('?limit=1&offset=5', 'alice'), { ids: [], total: 5, count: 5 });
});

test('body limit: a declared length over it is 413 before reading; a chunked body is counted', async () => {
  const big = JSON.stringify({ description: 'x'.repeat(2000) });
  const declared = await h.call('POST', '/jobs', { who: 'alice', raw: big, headers: { 'content-length': String(big.length) } });
  assert.equal(declared.status, 413, declared.text);
  assert.equal(declared.json.field, 'body');
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode(big));
      c.close();
    },
  });
  const res = await h.app.request('/api/v1/jobs', {
    method: 'POST',
    headers: { authorization: `Bearer ${h.tokens.alice}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  assert.equal(res.status, 413, await res.text());
  const small = await h.call('POST', '/jobs', { who: 'alice', body: { job_id: 'small-body', handler: 'noop', state: 'paused' } });
  assert.equal(small.status, 201, small.text);
});
