// `bosun/client` against the real API on a socket: the generated types match what the service
// answers, the token goes out as a Bearer header, and an error answer becomes a BosunApiError
// carrying the problem document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BosunApiError, createBosunClient, unwrap } from '../../../src/client/index.ts';
import { listeningApi } from '../../security/listen.ts';

const api = await listeningApi();

test('creates, reads and lists a job through the typed client', async () => {
  const bosun = createBosunClient({ url: api.base, token: api.tokens.alice });
  const created = unwrap(await bosun.POST('/jobs', { body: { job_id: 'typed-client', handler: 'noop', periodically: '1 hour', kwargs: {} } }));
  // POST /jobs answers bosun's body with {job}, NDScheduler's with {job_id}: the type says both.
  assert.ok('job' in created);
  assert.equal(created.job.job_id, 'typed-client');
  assert.equal(created.job.handler, 'noop');

  const read = unwrap(await bosun.GET('/jobs/{job_id}', { params: { path: { job_id: 'typed-client' } } }));
  assert.equal(read.job.owner, 'alice');

  const list = unwrap(await bosun.GET('/jobs', { params: { query: { limit: 10 } } }));
  assert.deepEqual(list.jobs.map((j) => j.job_id), ['typed-client']);
});

test('a trailing /api/v1 in the URL is the same service', async () => {
  const bosun = createBosunClient({ url: `${api.base}/api/v1/`, token: api.tokens.alice });
  assert.equal(unwrap(await bosun.GET('/handlers')).handlers.some((h) => h.name === 'noop'), true);
});

test('an error answer throws a BosunApiError with the problem document', async () => {
  const bosun = createBosunClient({ url: api.base, token: api.tokens.bob });
  const missing = await bosun.GET('/jobs/{job_id}', { params: { path: { job_id: 'typed-client' } } });
  assert.equal(missing.response.status, 404); // alice's job is not bob's to see
  assert.throws(
    () => unwrap(missing),
    (err: unknown) => err instanceof BosunApiError && err.status === 404 && err.problem.status === 404 && err.problem.type.includes('not-found'),
  );
  const invalid = await bosun.POST('/jobs', { body: { handler: 'noop', periodically: '5 hourz' } });
  assert.equal(invalid.response.status, 400);
  assert.equal(invalid.error?.field, 'periodically');
});

test('a wrong token is a 401 problem, not a thrown fetch error', async () => {
  const bosun = createBosunClient({ url: api.base, token: 'bsn_not-a-token' });
  const answer = await bosun.GET('/jobs');
  assert.equal(answer.response.status, 401);
  assert.throws(() => unwrap(answer), (err: unknown) => err instanceof BosunApiError && err.status === 401);
});

test('a URL that is not http(s) is refused when the client is made', () => {
  assert.throws(() => createBosunClient({ url: 'ftp://example.test' }), /not an http\(s\) URL/);
  assert.throws(() => createBosunClient({ url: 'not a url' }), TypeError);
});
