// The Audit page's pure parts (src/dashboard/assets/audit-format.js), run here in Node: the filters a
// URL holds, the API query they make, a modified entry's diff as rows, and the words for each action;
// plus the server side: /dashboard/audit answers the shell with its nav link, and the assets are served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { AUDIT_ACTIONS, actionLabel, auditApiParams, auditFilters, auditSearch, detailSummary, diffRows, formatValue } from '../../../src/dashboard/assets/audit-format.js';
import { AUDIT_ACTIONS as API_ACTIONS } from '../../../src/audit/audit-entry.ts';
import { dashboardRoutes } from '../../../src/dashboard/routes.ts';
import { onError } from '../../../src/api/problem.ts';
import { testLogger } from '../../helpers/database.ts';

test('the page offers exactly the actions the API records, each in words', () => {
  assert.deepEqual([...AUDIT_ACTIONS], [...API_ACTIONS]);
  assert.equal(actionLabel('ran_now'), 'ran now');
  assert.equal(actionLabel('service_paused'), 'paused the scheduler');
  assert.equal(actionLabel('yaml_synced'), 'yaml synced', 'an unknown action is shown as recorded');
});

const none = { job_id: '', actor: '', action: '', range: '', since: '', until: '' };
const filterCases: Array<[string, string, typeof none]> = [
  ['empty', '', none],
  ['all set', '?job_id=a%2Fb&actor=alice&action=modified&range=7d', { ...none, job_id: 'a/b', actor: 'alice', action: 'modified', range: '7d' }],
  ['trimmed', '?actor=%20alice%20', { ...none, actor: 'alice' }],
  ['unknown action dropped', '?action=exploded', none],
  ['unknown range dropped', '?range=2y', none],
  ['instants normalised', '?since=2026-02-20T14:56:00%2B01:00&until=2026-02-21T00:00:00Z', { ...none, since: '2026-02-20T13:56:00.000Z', until: '2026-02-21T00:00:00.000Z' }],
  ['unreadable instant dropped', '?since=yesterday', none],
];
for (const [name, search, expected] of filterCases) {
  test(`auditFilters: ${name}`, () => {
    assert.deepEqual(auditFilters(search), expected);
  });
}

test('auditSearch round-trips through auditFilters and leaves out what is unset', () => {
  const f = { ...none, job_id: 'nightly report', action: 'paused', until: '2026-02-21T00:00:00.000Z' };
  assert.equal(auditSearch(f), '?job_id=nightly+report&action=paused&until=2026-02-21T00%3A00%3A00.000Z');
  assert.deepEqual(auditFilters(auditSearch(f)), f);
  assert.equal(auditSearch(none), '');
});

const NOW = Date.parse('2026-02-20T12:00:00Z');
const paramCases: Array<[string, typeof none, { since: string; until: string }]> = [
  ['any time', none, { since: '', until: '' }],
  ['last hour', { ...none, range: '1h' }, { since: '2026-02-20T11:00:00.000Z', until: '' }],
  ['last 7 days', { ...none, range: '7d' }, { since: '2026-02-13T12:00:00.000Z', until: '' }],
  ['explicit since wins over a preset', { ...none, range: '1h', since: '2026-01-01T00:00:00.000Z' }, { since: '2026-01-01T00:00:00.000Z', until: '' }],
  ['explicit window', { ...none, since: '2026-01-01T00:00:00.000Z', until: '2026-01-02T00:00:00.000Z' }, { since: '2026-01-01T00:00:00.000Z', until: '2026-01-02T00:00:00.000Z' }],
];
for (const [name, filters, expected] of paramCases) {
  test(`auditApiParams: ${name}`, () => {
    const p = auditApiParams(filters, NOW);
    assert.equal(p.since, expected.since);
    assert.equal(p.until, expected.until);
  });
}

test('auditApiParams passes job, actor and action through', () => {
  assert.deepEqual(auditApiParams({ ...none, job_id: 'j', actor: 'bob', action: 'deleted' }, NOW), { job_id: 'j', actor: 'bob', action: 'deleted', since: '', until: '' });
});

const diffCases: Array<[string, unknown, Array<{ field: string; from: string; to: string }>]> = [
  ['no detail', null, []],
  ['no diff', { from: 'running' }, []],
  ['a scalar field', { diff: { retries: { from: 0, to: 3 } } }, [{ field: 'retries', from: '0', to: '3' }]],
  ['null shown as a dash', { diff: { description: { from: null, to: 'Nightly' } } }, [{ field: 'description', from: '—', to: 'Nightly' }]],
  [
    'an object field opened one level, unchanged keys left out',
    { diff: { kwargs: { from: { command: 'echo 1', tail_chars: 4000 }, to: { command: 'echo 2', tail_chars: 4000 } } } },
    [{ field: 'kwargs.command', from: 'echo 1', to: 'echo 2' }],
  ],
  [
    'a key added and a key removed',
    { diff: { kwargs: { from: { a: 1 }, to: { b: [1, 2] } } } },
    [
      { field: 'kwargs.a', from: '1', to: '—' },
      { field: 'kwargs.b', from: '—', to: '[1,2]' },
    ],
  ],
  ['object to null stays one row', { diff: { schedule_input: { from: { cron: '* * * * *' }, to: null } } }, [{ field: 'schedule_input', from: '{"cron":"* * * * *"}', to: '—' }]],
  [
    'several fields keep their order',
    { diff: { handler: { from: 'noop', to: 'command' }, timeout_ms: { from: null, to: 60000 } } },
    [
      { field: 'handler', from: 'noop', to: 'command' },
      { field: 'timeout_ms', from: '—', to: '60000' },
    ],
  ],
  ['a malformed change is shown, not thrown on', { diff: { retries: 3 } }, [{ field: 'retries', from: '—', to: '—' }]],
];
for (const [name, detail, expected] of diffCases) {
  test(`diffRows: ${name}`, () => {
    assert.deepEqual(diffRows(detail as Record<string, unknown> | null), expected);
  });
}

test('formatValue: strings as they are, nothing as a dash, the rest as JSON', () => {
  assert.equal(formatValue('a b'), 'a b');
  assert.equal(formatValue(null), '—');
  assert.equal(formatValue(undefined), '—');
  assert.equal(formatValue(false), 'false');
  assert.equal(formatValue({ x: 1 }), '{"x":1}');
});

const summaryCases: Array<[string, { action: string; detail: Record<string, unknown> | null }, string]> = [
  ['paused', { action: 'paused', detail: { from: 'running', to: 'paused' } }, 'running → paused'],
  ['resumed', { action: 'resumed', detail: { from: 'paused', to: 'running' } }, 'paused → running'],
  ['paused without detail', { action: 'paused', detail: {} }, ''],
  ['cancelled', { action: 'cancelled', detail: { from: 'running' } }, 'the run was running'],
  ['created', { action: 'created', detail: { definition: { handler: 'command' } } }, 'handler command'],
  ['deleted with nothing kept', { action: 'deleted', detail: {} }, ''],
  ['ran now', { action: 'ran_now', detail: {} }, ''],
  ['null detail', { action: 'paused', detail: null }, ''],
];
for (const [name, entry, expected] of summaryCases) {
  test(`detailSummary: ${name}`, () => {
    assert.equal(detailSummary(entry), expected);
  });
}

const app = new Hono();
app.onError(onError(testLogger));
app.route('/dashboard', dashboardRoutes());

test('GET /dashboard/audit answers the shell with a strict CSP and the Audit link', async () => {
  const res = await app.request('/dashboard/audit?actor=alice&action=modified');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await res.text(), /<a href="\/dashboard\/audit" data-nav="audit">Audit<\/a>/);
});

for (const path of ['/dashboard/audit/', '/dashboard/audit/1', '/dashboard/audits']) {
  test(`GET ${path} is a 404 problem`, async () => {
    assert.equal((await app.request(path)).status, 404);
  });
}

for (const file of ['audit-page.js', 'audit-views.js', 'audit-format.js']) {
  test(`asset ${file} is served as JavaScript`, async () => {
    const res = await app.request(`/dashboard/assets/${file}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/javascript/);
  });
}

test('the type declarations beside the audit formatting are not served', async () => {
  assert.equal((await app.request('/dashboard/assets/audit-format.d.ts')).status, 404);
});
