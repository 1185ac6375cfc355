// openapi.yaml against the app, both ways, and the generated handler endpoints against handlers/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadOpenApi, OPENAPI_PATH, withHandlerEndpoints } from '../../../src/api/openapi.ts';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { apiHarness } from './harness.ts';

const h = await apiHarness();
type Op = { description?: string; requestBody?: { content?: Record<string, { example?: unknown }> }; responses?: Record<string, unknown> };
const paths = h.spec.json.paths as Record<string, Record<string, Op>>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options'];
const specOps = Object.entries(paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ method: m.toUpperCase(), path, op: item[m]! })));
const appRoutes = h.app.routes
  .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
  .map((r) => ({ method: r.method, path: r.path.slice('/api/v1'.length) }));

/** Whether a spec path (`/jobs/noop`, `/jobs/{job_id}`) is served by a Hono route pattern (`/jobs/:handler`). */
function served(specPath: string, route: string): boolean {
  const a = specPath.split('/');
  const b = route.split('/');
  return a.length === b.length && a.every((seg, i) => b[i]!.startsWith(':') || b[i] === seg || /^\{.+\}$/.test(seg));
}

test('every route of the app is in the spec with a description', () => {
  for (const r of appRoutes) {
    const match = specOps.filter((s) => s.method === r.method && served(s.path, r.path));
    assert.ok(match.length > 0, `${r.method} ${r.path} is not in openapi.yaml`);
    for (const m of match) assert.ok(m.op.description && m.op.description.length > 10, `${m.method} ${m.path} has no description`);
  }
});

test('every operation in the spec exists in the app', () => {
  for (const s of specOps) {
    assert.ok(appRoutes.some((r) => r.method === s.method && served(s.path, r.path)), `${s.method} ${s.path} is in openapi.yaml but not served`);
  }
});

test('every operation has an example (request body or parameters or response)', () => {
  for (const s of specOps) {
    // Follow $refs one level or two: examples often sit on shared responses and parameters.
    const deref = (v: unknown): string =>
      JSON.stringify(v, (_k, x: unknown) => {
        const ref = (x as { $ref?: unknown } | null)?.$ref;
        if (typeof ref !== 'string') return x;
        let node: unknown = h.spec.json;
        for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part];
        return node;
      });
    const text = deref(JSON.parse(deref(s.op)));
    assert.match(text, /"example"/, `${s.method} ${s.path} has no example`);
    const body = s.op.requestBody?.content?.['application/json'];
    if (body) assert.ok(body.example !== undefined, `${s.method} ${s.path} has no request body example`);
  }
});

test('the served spec has an endpoint per loaded handler, and their examples are accepted', async () => {
  for (const name of ['noop', 'command', 'http', 'function']) {
    const item = paths[`/jobs/${name}`];
    assert.ok(item?.post, `no POST /jobs/${name}`);
  }
  const example = paths['/jobs/noop']!.post!.requestBody!.content!['application/json']!.example;
  const r = await h.call('POST', '/jobs/noop?state=paused', { who: 'alice', body: example });
  assert.equal(r.status, 201, r.text);
  const created = await h.call('POST', '/jobs', { who: 'alice', body: paths['/jobs']!.post!.requestBody!.content!['application/json']!.example });
  assert.equal(created.status, 201, created.text);
});

test('the committed openapi.yaml is up to date with handlers/ (npm run openapi regenerates it)', async () => {
  const committed = readFileSync(OPENAPI_PATH, 'utf8');
  const registry = await loadHandlers();
  assert.equal(withHandlerEndpoints(committed, registry.list()), committed, 'openapi.yaml is stale: run `npm run openapi`');
  assert.ok(loadOpenApi().json.paths);
});
