// A request with several mistakes gets them all in one 400, each with its field and, for a near
// miss of a known name, the name meant: problem+json's `errors` list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness } from './harness.ts';

const h = await apiHarness();
type Problem = { field?: string; detail: string; errors?: Array<{ field: string; message: string; suggestion?: string }> };

test('every problem of a body comes at once, with suggestions', async () => {
  const r = await h.call('POST', '/jobs', { who: 'alice', body: { handler: 'noop', periodicaly: '1 day', retrys: 2, retries: 'two' } });
  assert.equal(r.status, 400, r.text);
  const problem = r.json as unknown as Problem;
  const byField = Object.fromEntries((problem.errors ?? []).map((e) => [e.field, e]));
  assert.deepEqual(Object.keys(byField).sort(), ['periodicaly', 'retries', 'retrys'], r.text);
  assert.equal(byField.periodicaly?.suggestion, 'periodically');
  assert.equal(byField.retrys?.suggestion, 'retries');
  assert.equal(byField.retries?.suggestion, undefined);
  assert.match(problem.detail, /^3 problems: /);
  assert.match(problem.detail, /unknown field 'periodicaly'; did you mean 'periodically'\?/);
  assert.ok(problem.field && byField[problem.field], 'field names the first of them');
});

test('every unknown query parameter comes at once, with suggestions', async () => {
  const r = await h.call('GET', '/jobs?limt=5&stat=paused', { who: 'alice' });
  assert.equal(r.status, 400, r.text);
  const problem = r.json as unknown as Problem;
  assert.deepEqual(
    (problem.errors ?? []).map((e) => [e.field, e.suggestion]).sort(),
    [['limt', 'limit'], ['stat', 'state']],
    r.text,
  );
});

test('a single problem keeps its plain message and is listed too', async () => {
  const r = await h.call('POST', '/jobs', { who: 'alice', body: { handler: 'noop', colour: 'red' } });
  assert.equal(r.status, 400, r.text);
  const problem = r.json as unknown as Problem;
  assert.equal(problem.field, 'colour');
  assert.equal(problem.detail, "unknown field 'colour'");
  assert.deepEqual(problem.errors, [{ field: 'colour', message: "unknown field 'colour'" }]);
});

test('a misspelt handler gets the one meant, in the path and in the body', async () => {
  const path = await h.call('POST', '/jobs/comand', { who: 'admin', body: { command: ['true'] } });
  assert.equal(path.status, 404, path.text);
  assert.deepEqual((path.json as unknown as Problem).errors?.map((e) => e.suggestion), ['command']);
  assert.match((path.json as unknown as Problem).detail, /did you mean 'command'\?$/);
  const body = await h.call('POST', '/jobs', { who: 'admin', body: { handler: 'comand', kwargs: { command: ['true'] } } });
  assert.equal(body.status, 404, body.text);
  assert.deepEqual((body.json as unknown as Problem).errors?.map((e) => e.suggestion), ['command']);
});
