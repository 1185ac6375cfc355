import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/api/app.ts';
import { loadOpenApi } from '../../src/api/openapi.ts';
import { testLogger } from '../helpers/database.ts';

function app(ready = true) {
  const spec = loadOpenApi();
  return createApp({ logger: testLogger, bodyLimitBytes: 1024, spec: () => spec, health: { ready: async () => ready } });
}

test('liveness and readiness', async () => {
  assert.equal((await app().request('/api/v1/liveness')).status, 200);
  assert.equal((await app().request('/api/v1/readiness')).status, 200);
  const down = await app(false).request('/api/v1/readiness');
  assert.equal(down.status, 503);
  assert.equal(down.headers.get('content-type'), 'application/problem+json');
  const body = (await down.json()) as Record<string, unknown>;
  assert.equal(body.type, 'https://bosun.dev/problems/unavailable');
  assert.equal(body.error, body.detail);
});

test('unknown routes are problem+json 404s', async () => {
  const res = await app().request('/api/v1/nothing-here');
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
});

test('the spec is served as YAML and JSON, and Swagger UI points at it', async () => {
  const yaml = await app().request('/api/v1/openapi.yaml');
  assert.match(await yaml.text(), /^openapi: 3\.1/);
  const json = (await (await app().request('/api/v1/openapi.json')).json()) as { openapi: string };
  assert.equal(json.openapi, '3.1.0');
  const init = await (await app().request('/api/v1/ui/swagger-initializer.js')).text();
  assert.match(init, /openapi\.json/);
  assert.equal((await app().request('/api/v1/ui/swagger-ui-bundle.js')).status, 200);
  assert.equal((await app().request('/api/v1/ui/..%2Fpackage.json')).status, 404);
});
