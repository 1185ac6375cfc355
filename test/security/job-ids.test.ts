// Issue 24, point 6: a job id is something every route can address. `.` and `..` are removed
// from URLs by every parser and `clean-failed` is a route of its own, so they are refused when a
// job is created; every allowed character goes through GET/PUT/DELETE /jobs/{id} over a real
// socket with encodeURIComponent. The rule is one pattern, in openapi.yaml and the job-file schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { JOB_ID_PATTERN, RESERVED_JOB_IDS } from '../../src/jobs/job-id.ts';
import { jobFileSchema } from '../../src/default-jobs/job-file-schema.ts';
import { loadHandlers } from '../../src/handlers/registry.ts';
import { listeningApi } from './listen.ts';

const api = await listeningApi();
const spec = parse(await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, unknown>;
  components: { schemas: { JobInput: { properties: { job_id: { pattern: string } } } }; parameters: { CreateJobId: { schema: { pattern: string } } } };
};

test('openapi.yaml and the job-file schema state the job_id rule bosun applies', async () => {
  assert.equal(spec.components.schemas.JobInput.properties.job_id.pattern, JOB_ID_PATTERN);
  assert.equal(spec.components.parameters.CreateJobId.schema.pattern, JOB_ID_PATTERN);
  const file = jobFileSchema(await loadHandlers()) as { properties: { job_id: { pattern: string } } };
  assert.equal(file.properties.job_id.pattern, JOB_ID_PATTERN);
});

test('the reserved ids are the literal segments routes use where a job id goes', async () => {
  const handlers = new Set((await loadHandlers()).list().map((h) => h.name));
  const templates = Object.keys(spec.paths).map((p) => p.split('/').slice(1));
  const literals = new Set<string>();
  for (const t of templates.filter((t) => t.includes('{job_id}'))) {
    const at = t.indexOf('{job_id}');
    for (const other of templates) {
      const segment = other[at];
      const sameParent = other.length > at && other.slice(0, at).join('/') === t.slice(0, at).join('/');
      // Handler endpoints (POST /jobs/{handler}) are one parameterised route; their methods differ from a job's.
      if (sameParent && segment !== undefined && !segment.startsWith('{') && !handlers.has(segment)) literals.add(segment);
    }
  }
  assert.deepEqual([...literals].sort(), [...RESERVED_JOB_IDS].sort());
});

for (const id of ['..', '.', 'clean-failed', 'a b', 'a%2Fb', 'a?b', 'a#b', 'x'.repeat(201)]) {
  test(`job_id ${JSON.stringify(id.slice(0, 20))} is refused at creation, through both create routes`, async () => {
    const body = await api.send('POST', '/api/v1/jobs', { job_id: id, handler: 'noop', state: 'paused' });
    assert.equal(body.status, 400, body.text);
    assert.equal(body.json.field, 'job_id');
    const query = await api.send('POST', `/api/v1/jobs/noop?state=paused&job_id=${encodeURIComponent(id)}`, {});
    assert.equal(query.status, 400, query.text);
    assert.equal(query.json.field, 'job_id');
  });
}

// Every character the pattern allows, at the start, inside and alone; a handler's name; dots that are not a dot segment.
const allowed = ['a.b', 'a_b', 'a:b', 'a@b', 'a/b', 'a-b', 'x/run', 'x/runs', '-', '_', ':', '@', '/', '...', '.hidden', 'noop', 'Z9', 'x'.repeat(200)];
for (const id of allowed) {
  test(`job_id ${JSON.stringify(id.slice(0, 20))}: created, read, paused and deleted through its URL`, async () => {
    const created = await api.send('POST', '/api/v1/jobs', { job_id: id, handler: 'noop', periodically: '1 hour', state: 'paused' });
    assert.equal(created.status, 201, created.text);
    const url = `/api/v1/jobs/${encodeURIComponent(id)}`;
    assert.equal(created.headers.get('location'), url);
    const read = await api.send('GET', url);
    assert.equal(read.status, 200, read.text);
    assert.equal((read.json.job as { job_id: string }).job_id, id);
    const put = await api.send('PUT', `${url}?state=running`);
    assert.equal(put.status, 200, put.text);
    assert.equal((put.json.job as { job_id: string }).job_id, id);
    const removed = await api.send('DELETE', url);
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.json.removed, [id]);
    assert.equal((await api.send('GET', url)).status, 404);
  });
}
