// The dashboard's server side, without a socket: the shell on every page path, the assets
// with their validators, and the schedule preview's answers and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { dashboardRoutes } from '../../../src/dashboard/routes.ts';
import { onError } from '../../../src/api/problem.ts';
import { MAX_PREVIEW_OCCURRENCES, MAX_PREVIEW_SCHEDULES } from '../../../src/dashboard/schedule-preview.ts';
import { testLogger } from '../../helpers/database.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
const app = new Hono();
app.onError(onError(testLogger));
app.route('/dashboard', dashboardRoutes({ now: () => NOW }));

const interval = { kind: 'interval', everyMs: 5 * 3_600_000, anchor: '2026-02-20T14:56:00.000Z', timezone: 'UTC', misfireGraceMs: 1000 };

const preview = (body: unknown) =>
  app.request('/dashboard/schedule-preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

for (const path of ['/dashboard/', '/dashboard/jobs/nightly', '/dashboard/jobs/a%2Fb', '/dashboard/runs', '/dashboard/runs/0d6c0c52-4a4e-4b7e-9a43-3c1d2a0e0f11', '/dashboard/failures']) {
  test(`GET ${path} answers the shell with a strict CSP`, async () => {
    const res = await app.request(path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await res.text();
    assert.match(html, /<script type="module" src="\/dashboard\/assets\/app.js">/);
    assert.match(html, /<meta name="bosun-api" content="\/api\/v1">/);
    assert.match(html, /href="\/api\/v1\/ui\/"/, 'links to Swagger UI');
    assert.doesNotMatch(html, /https?:\/\//, 'nothing from another origin');
  });
}

test('/dashboard without its slash redirects to /dashboard/', async () => {
  const res = await app.request('/dashboard');
  assert.equal(res.status, 301);
  assert.equal(res.headers.get('location'), '/dashboard/');
});

for (const path of ['/dashboard/nope', '/dashboard/runs/a/b', '/dashboard/jobs/', '/dashboard/assets/missing.js', '/dashboard/assets/..%2Froutes.ts']) {
  test(`GET ${path} is a 404 problem`, async () => {
    const res = await app.request(path);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
  });
}

test('assets are served with their type and an ETag, and revalidate to 304', async () => {
  for (const [file, type] of [['app.js', 'text/javascript'], ['dashboard.css', 'text/css'], ['favicon.svg', 'image/svg+xml']] as const) {
    const res = await app.request(`/dashboard/assets/${file}`);
    assert.equal(res.status, 200, file);
    assert.match(res.headers.get('content-type') ?? '', new RegExp(type.replace('+', '\\+')));
    const etag = res.headers.get('etag');
    assert.ok(etag);
    const again = await app.request(`/dashboard/assets/${file}`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  }
});

test('every module app.js imports is served', async () => {
  const seen = new Set<string>();
  const queue = ['app.js'];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const res = await app.request(`/dashboard/assets/${file}`);
    assert.equal(res.status, 200, `${file} is served`);
    for (const m of (await res.text()).matchAll(/from '\.\/([\w-]+\.js)'/g)) queue.push(m[1]!);
  }
  assert.ok(seen.size >= 8, [...seen].join(', '));
});

test('the schedule preview words a schedule and lists its next occurrences', async () => {
  const res = await preview({ schedules: [{ schedule: interval }], count: 3 });
  assert.equal(res.status, 200);
  const { previews } = (await res.json()) as { previews: Array<{ description: string; upcoming: string[] }> };
  assert.equal(previews.length, 1);
  assert.match(previews[0]!.description, /every 5 hours/);
  // anchor 2026-02-20T14:56Z + k·5h; ten days (48 × 5 h) later is 2026-03-02T14:56Z, the first after 10:00Z.
  assert.deepEqual(previews[0]!.upcoming, ['2026-03-02T14:56:00.000Z', '2026-03-02T19:56:00.000Z', '2026-03-03T00:56:00.000Z']);
});

test('max_runs limits the preview by the runs already made', async () => {
  const res = await preview({ schedules: [{ schedule: { ...interval, maxRuns: 4 }, run_count: 2 }], count: 5 });
  const { previews } = (await res.json()) as { previews: Array<{ upcoming: string[] }> };
  assert.equal(previews[0]!.upcoming.length, 2);
});

test('a finished one-shot schedule has no upcoming occurrence', async () => {
  const res = await preview({ schedules: [{ schedule: { kind: 'once', at: '2026-03-01T00:00:00.000Z', timezone: 'UTC', misfireGraceMs: 1000 } }], count: 5 });
  const { previews } = (await res.json()) as { previews: Array<{ upcoming: string[] }> };
  assert.deepEqual(previews[0]!.upcoming, []);
});

test('a schedule the maths cannot follow becomes that item\'s error, not a failed request', async () => {
  // Well formed, but no occurrence within the rrule search limit (src/schedule/limits.ts).
  const never = { kind: 'rrule', rule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', dtstart: '2026-01-01T00:00:00', timezone: 'UTC', misfireGraceMs: 1000 };
  const res = await preview({ schedules: [{ schedule: interval }, { schedule: never }], count: 1 });
  assert.equal(res.status, 200);
  const { previews } = (await res.json()) as { previews: Array<Record<string, unknown>> };
  assert.equal(typeof previews[0]!.description, 'string');
  assert.match(String(previews[1]!.error), /no occurrence within/);
});

const refusals: Array<[string, unknown, string]> = [
  ['not JSON', '{nope', 'body'],
  ['an array body', [], 'body'],
  ['no schedules', {}, 'schedules'],
  ['too many schedules', { schedules: Array.from({ length: MAX_PREVIEW_SCHEDULES + 1 }, () => ({ schedule: interval })) }, 'schedules'],
  ['count too large', { schedules: [], count: MAX_PREVIEW_OCCURRENCES + 1 }, 'count'],
  ['count not whole', { schedules: [], count: 1.5 }, 'count'],
  ['an unknown kind', { schedules: [{ schedule: { kind: 'sometimes' } }] }, 'schedules[0].schedule'],
  ['a negative run_count', { schedules: [{ schedule: interval, run_count: -1 }] }, 'schedules[0].run_count'],
  ['a stored cron that is not cron', { schedules: [{ schedule: { kind: 'cron', expression: 'not cron', timezone: 'UTC', misfireGraceMs: 1000, start: '2026-01-01T00:00:00Z' } }] }, 'schedules[0].schedule.cron'],
];
for (const [name, body, field] of refusals) {
  test(`the schedule preview refuses ${name} with 400 naming ${field}`, async () => {
    const res = await preview(body);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(((await res.json()) as { field?: string }).field, field);
  });
}

test('a preview body over 256 KiB is refused with 413', async () => {
  const res = await preview({ schedules: [], pad: 'x'.repeat(300 * 1024) });
  assert.equal(res.status, 413);
});
