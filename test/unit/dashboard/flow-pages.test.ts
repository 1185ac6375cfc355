// The dashboard's server side for the Flows pages, without a socket: the shell answers their paths
// (and links to them in its navigation), the flow assets are served, neighbouring paths are not pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { dashboardRoutes } from '../../../src/dashboard/routes.ts';
import { onError } from '../../../src/api/problem.ts';
import { testLogger } from '../../helpers/database.ts';

const app = new Hono();
app.onError(onError(testLogger));
app.route('/dashboard', dashboardRoutes());

for (const path of ['/dashboard/flows', '/dashboard/flow-runs/0d6c0c52-4a4e-4b7e-9a43-3c1d2a0e0f11', '/dashboard/flow-runs/not-a-uuid']) {
  test(`GET ${path} answers the shell with a strict CSP and the Flows link`, async () => {
    const res = await app.request(path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await res.text(), /<a href="\/dashboard\/flows" data-nav="flows">Flows<\/a>/);
  });
}

for (const path of ['/dashboard/flows/diamond', '/dashboard/flow-runs', '/dashboard/flow-runs/', '/dashboard/flow-runs/a/b']) {
  test(`GET ${path} is a 404 problem`, async () => {
    const res = await app.request(path);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
  });
}

for (const file of ['flows-page.js', 'flow-run-page.js', 'flow-graph.js', 'flow-layout.js', 'flow-views.js']) {
  test(`asset ${file} is served as JavaScript`, async () => {
    const res = await app.request(`/dashboard/assets/${file}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/javascript/);
  });
}

test('the type declarations beside the layout are not served', async () => {
  assert.equal((await app.request('/dashboard/assets/flow-layout.d.ts')).status, 404);
});
