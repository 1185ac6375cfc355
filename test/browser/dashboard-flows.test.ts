// The dashboard's Flows pages in a real browser against a real bosun (`node src/main.ts`, fresh
// database, auth on, BOSUN_FLOWS_DIR = a temp folder): a diamond flow whose one branch fails
// (`exit 3`) until a marker file exists, started from the page's form; its run drawn as a graph
// coloured by step status (various while the other branch still runs, then failed with the join
// blocked), the per-step report, Rerun after the marker is made; and a 40-wide fan-out collapsed
// into "+N more". Screenshots go to test-artifacts/dashboard-flow*.png.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createTestDatabase } from '../helpers/database.ts';
import { ARTIFACTS, adminToken, apiCaller, assertChromium, launchChromium, screenshot, serviceEnv, signIn, startService, watchedPage } from '../helpers/browser.ts';
const FAN_OUT = 40;

// `left` fails with exit 3 until the marker file exists; `right` takes a few seconds, so the run
// is seen `various` (a step failed, another still runs) before it ends `failed`.
const DIAMOND = `name: diamond
description: Fetch, then two branches in parallel, then join; the left branch fails until its marker exists.
steps:
  - id: fetch
    handler: command
    kwargs: {command: [echo, fetched]}
  - id: left
    handler: command
    waits: [fetch]
    kwargs: {command: 'echo checking; test -f \${args.marker} || exit 3'}
  - id: right
    handler: command
    waits: [fetch]
    kwargs: {command: 'sleep 5; echo right done'}
  - id: join
    handler: command
    waits: [left, right]
    kwargs: {command: [echo, joined]}
`;
const FANOUT = [
  'name: fanout',
  'description: One step, forty in parallel, one join.',
  'steps:',
  '  - {id: split, handler: noop}',
  ...Array.from({ length: FAN_OUT }, (_, i) => `  - {id: part-${String(i).padStart(2, '0')}, handler: noop, waits: [split]}`),
  `  - {id: merge, handler: noop, waits: [${Array.from({ length: FAN_OUT }, (_, i) => `part-${String(i).padStart(2, '0')}`).join(', ')}]}`,
  '',
].join('\n');

let base: string;
let token: string;
let page: Page;
let problems: string[];
let marker: string;
let diamondRunId: string;
let api: ReturnType<typeof apiCaller>;

async function shot(name: string): Promise<void> {
  await screenshot(page, `dashboard-${name}.png`);
}

/** A link of the header's navigation. */
function nav(name: string) {
  return page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });
}

/** The status each step's box in the graph shows, by step id. */
async function graphStatuses(): Promise<Record<string, string>> {
  return page.$$eval('svg.flow-graph g.flow-node', (nodes) => Object.fromEntries(nodes.map((n) => [n.getAttribute('data-step-id'), n.getAttribute('data-status')])));
}

// Set up at the top level, not in before(): the after() hooks registered here and by the helpers
// (dropping the database, removing the folders, stopping the service and the browser) must run when
// the file ends, not when the first hook does.
{
  assertChromium();
  const databaseUrl = await createTestDatabase('bosun_dash_flows');
  const dir = await mkdtemp(join(tmpdir(), 'bosun-dash-flows-'));
  after(() => rm(dir, { recursive: true, force: true }));
  // As root, commands run as an unprivileged user: it must reach the marker.
  await chmod(dir, 0o755);
  const flowsDir = join(dir, 'flows');
  const noDefaults = join(dir, 'default-jobs');
  await mkdir(flowsDir);
  await mkdir(noDefaults);
  await writeFile(join(flowsDir, 'diamond.yaml'), DIAMOND);
  await writeFile(join(flowsDir, 'fanout.yaml'), FANOUT);
  marker = join(dir, 'left-may-pass');
  const started = await startService(serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_AUTH: 'on', BOSUN_DEFAULT_JOBS_DIR: noDefaults, BOSUN_FLOWS_DIR: flowsDir }));
  base = started.base;
  token = await adminToken(databaseUrl);
  api = apiCaller(base, token, started.service);
  ({ page, problems } = await watchedPage(await launchChromium({ width: 1280, height: 860 })));
}

test('the flows pages are served as the dashboard shell', async () => {
  for (const path of ['/dashboard/flows', '/dashboard/flow-runs/0d6c0c52-4a4e-4b7e-9a43-3c1d2a0e0f11']) {
    const res = await fetch(`${base}${path}`);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  }
});

test('Flows: the nav link, every declared flow with its graph, no runs yet', async () => {
  await page.goto(`${base}/dashboard/`);
  await signIn(page, token);
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  await nav('Flows').click();
  await page.getByRole('heading', { name: 'Flows', exact: true }).waitFor();
  assert.equal(await nav('Flows').getAttribute('aria-current'), 'page');

  const diamond = page.locator('section.flow-card[data-flow="diamond"]');
  await diamond.waitFor();
  assert.deepEqual(Object.keys(await graphStatuses()).filter((id) => ['fetch', 'left', 'right', 'join'].includes(id!)).sort(), ['fetch', 'join', 'left', 'right']);
  assert.equal(await diamond.locator('g.flow-node').count(), 4);
  assert.equal(await diamond.locator('path.edge').count(), 4);
  assert.equal(await diamond.locator('g.flow-node[data-status="declared"]').count(), 4, 'a declared flow has no statuses');
  assert.match(await diamond.locator('g.flow-node[data-step-id="left"]').innerHTML(), /command/, 'boxes name their handler');
  // The arguments the steps use are offered as a template.
  assert.deepEqual(JSON.parse(await diamond.getByLabel('Arguments (JSON object)').inputValue()), { marker: '' });

  const fanout = page.locator('section.flow-card[data-flow="fanout"]');
  // The flows page draws at most five boxes a row (four steps and "+N more"), a run's page seven.
  assert.equal(await fanout.locator('g.flow-node').count(), 2 + 4, 'split, merge and the first four of the forty');
  assert.equal(await fanout.locator('g.flow-more').getAttribute('data-hidden'), String(FAN_OUT - 4));
  assert.match(await fanout.locator('g.flow-more').innerHTML(), /\+36 more/);
  await page.getByText('No flow runs yet').waitFor();
  await shot('flows');
});

test('Start run: bad JSON is refused in place; good arguments start a run and open its page', async () => {
  const form = page.locator('section.flow-card[data-flow="diamond"] form.flow-start');
  const args = form.getByLabel('Arguments (JSON object)');
  await args.fill('{"marker": ');
  await form.getByRole('button', { name: 'Start run' }).click();
  await form.locator('.error-text', { hasText: 'The arguments are not valid JSON' }).waitFor();
  await args.fill('["not", "an object"]');
  await form.getByRole('button', { name: 'Start run' }).click();
  await form.locator('.error-text', { hasText: 'must be a JSON object' }).waitFor();
  await args.fill('{}');
  await form.getByRole('button', { name: 'Start run' }).click();
  // The API refuses a run lacking an argument a step uses, naming it; the form shows its words.
  await form.locator('.error-text', { hasText: 'marker' }).waitFor();
  // The browser logs that refused request; it is the one console error this file expects.
  for (let i = 0; i < 20 && !problems.some((p) => /status of 400/.test(p)); i++) await new Promise((r) => setTimeout(r, 100));
  const refused = problems.findIndex((p) => /status of 400/.test(p));
  assert.ok(refused >= 0, 'the 400 was seen');
  problems.splice(refused, 1);
  assert.match(page.url(), /\/dashboard\/flows$/);

  await args.fill(JSON.stringify({ marker }));
  await form.getByRole('button', { name: 'Start run' }).click();
  await page.waitForURL(/\/dashboard\/flow-runs\/[0-9a-f-]{36}$/);
  diamondRunId = page.url().split('/').at(-1)!;
  await page.getByRole('heading', { name: /diamond run/ }).waitFor();
});

test('a failing branch: various while the other branch runs, then failed with the join blocked, drawn and reported', async () => {
  // The left branch fails at once; the right one sleeps 5 s: a poll falls inside that window.
  await page.locator('h1 .badge.s-various').waitFor({ timeout: 15_000 });
  assert.equal((await graphStatuses()).left, 'failed');
  assert.equal((await graphStatuses()).right, 'running');
  await shot('flow-run-various');
  await page.locator('h1 .badge.s-failed').waitFor({ timeout: 20_000 });
  assert.deepEqual(await graphStatuses(), { fetch: 'succeeded', left: 'failed', right: 'succeeded', join: 'blocked' });

  // Each status has its own colour, the one the status words use elsewhere.
  const colours = await page.evaluate(() => {
    const stroke = (id: string) => getComputedStyle(document.querySelector(`g.flow-node[data-step-id="${id}"] rect.box`)!).stroke;
    const probe = (status: string) => {
      const span = document.createElement('span');
      span.className = `badge s-${status}`;
      document.body.append(span);
      const colour = getComputedStyle(span).color;
      span.remove();
      return colour;
    };
    return { fetch: stroke('fetch'), left: stroke('left'), join: stroke('join'), ok: probe('succeeded'), bad: probe('failed'), blocked: probe('blocked') };
  });
  assert.equal(colours.fetch, colours.ok);
  assert.equal(colours.left, colours.bad);
  assert.equal(colours.join, colours.blocked);
  assert.equal(new Set([colours.ok, colours.bad, colours.blocked]).size, 3, 'three different colours');
  assert.match(await page.locator('g.flow-node[data-step-id="left"]').textContent() ?? '', /failed · exit 3/, 'the word is in the box too');
  assert.equal(await page.locator('path.edge.from-s-failed').count(), 1, 'the edge the failure stopped is marked');

  const legend = page.locator('ul.legend');
  assert.equal(await legend.locator('li[data-status="succeeded"] .n').innerText(), '2');
  assert.equal(await legend.locator('li[data-status="failed"] .n').innerText(), '1');
  assert.equal(await legend.locator('li[data-status="blocked"] .n').innerText(), '1');

  const rows = page.locator('table.flow-report tbody tr');
  assert.equal(await rows.count(), 4);
  const row = (id: string) => page.locator(`table.flow-report tr[data-step-id="${id}"]`);
  assert.equal(await row('fetch').getAttribute('data-status'), 'succeeded');
  assert.match(await row('fetch').locator('td.outcome').innerText(), /exit 0/);
  assert.equal(await row('left').getAttribute('data-status'), 'failed');
  assert.match(await row('left').locator('td.outcome').innerText(), /exit 3/);
  assert.equal(await row('left').locator('td.num').first().innerText(), '1', 'one attempt');
  assert.equal(await row('join').getAttribute('data-status'), 'blocked');
  assert.equal(await row('join').locator('td.num').first().innerText(), '0', 'a blocked step never ran');
  const rightCells = await row('right').locator('td').allInnerTexts();
  assert.match(rightCells[4]!, /\d/, 'started');
  assert.match(rightCells[5]!, /\d/, 'finished');
  assert.match(rightCells[6]!, /^[56]\.\d s$/, 'elapsed: the 5 s sleep');
  await row('left').locator('details.stack summary').click();
  assert.match(await row('left').locator('details.stack pre').innerText(), /3/);

  assert.ok(await page.getByRole('button', { name: 'Rerun' }).isEnabled(), 'a failed run can be rerun');
  await shot('flow-run-failed');
  await page.locator('.flow-box').screenshot({ path: join(ARTIFACTS, 'dashboard-flow-graph-failed.png') });
});

test("a failed step's failure links to its flow run, its group to the flow's runs", async () => {
  await page.goto(`${base}/dashboard/failures?job=flow:diamond`);
  const group = page.locator('section.failure-group[data-job-id="flow:diamond"]');
  await group.waitFor();
  assert.equal(await group.locator('h2 a').getAttribute('href'), '/dashboard/flows?flow_name=diamond');
  const link = group.locator('a.flow-run-link').first();
  assert.match(await link.innerText(), /^step left of flow run /);
  await link.click();
  await page.waitForURL(`**/dashboard/flow-runs/${diamondRunId}`);
  await page.locator('h1 .badge.s-failed').waitFor();
});

test('Rerun: the failed step runs again (a second attempt), the blocked one runs, the run succeeds', async () => {
  await writeFile(marker, '');
  await page.getByRole('button', { name: 'Rerun' }).click();
  await page.getByText('Rerun started').waitFor();
  await page.locator('h1 .badge.s-succeeded').waitFor({ timeout: 30_000 });
  assert.deepEqual(await graphStatuses(), { fetch: 'succeeded', left: 'succeeded', right: 'succeeded', join: 'succeeded' });
  const row = (id: string) => page.locator(`table.flow-report tr[data-step-id="${id}"]`);
  assert.equal(await row('left').locator('td.num').first().innerText(), '2', 'the failed step ran a second time');
  assert.equal(await row('fetch').locator('td.num').first().innerText(), '1', 'a succeeded step is not run again');
  assert.equal(await row('join').locator('td.num').first().innerText(), '1');
  assert.ok(await page.getByRole('button', { name: 'Rerun' }).isDisabled(), 'only a failed run can be rerun');
  assert.equal((await api('GET', `/flow-runs/${diamondRunId}`)).flow_run.reruns, 1);
  await shot('flow-run-rerun');
});

test('a wide fan-out run: the crowded layer collapses into "+N more" with its counts; the run is listed', async () => {
  const { flow_run } = await api('POST', '/flows/fanout/runs', {});
  await page.goto(`${base}/dashboard/flow-runs/${flow_run.flow_run_id}`);
  await page.locator('h1 .badge.s-succeeded').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('svg.flow-graph g.flow-node').count(), 2 + 6);
  const more = page.locator('svg.flow-graph g.flow-more');
  assert.equal(await more.getAttribute('data-hidden'), String(FAN_OUT - 6));
  assert.match(await more.textContent() ?? '', /\+34 more.*34 succeeded/);
  assert.match(await page.locator('tr[data-step-id="merge"] small.waits').innerText(), /after 40 steps/);
  await page.locator('.flow-box').screenshot({ path: join(ARTIFACTS, 'dashboard-flow-graph-fanout.png') });
  assert.equal(await page.locator('table.flow-report tbody tr').count(), FAN_OUT + 2, 'the report lists every step');
  assert.equal(await page.locator('ul.legend li[data-status="succeeded"] .n').innerText(), String(FAN_OUT + 2));
  await shot('flow-run-fanout');

  await nav('Flows').click();
  const listed = page.locator('table.flow-runs tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('table.flow-runs tbody tr').length === 2);
  assert.deepEqual(await listed.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status'))), ['succeeded', 'succeeded']);
  await page.getByLabel('Flow', { exact: true }).selectOption('diamond');
  await page.waitForURL(/flow_name=diamond/);
  await page.waitForFunction(() => document.querySelectorAll('table.flow-runs tbody tr').length === 1);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('flows-dark');
  await page.goto(`${base}/dashboard/flow-runs/${diamondRunId}`);
  await page.locator('h1 .badge.s-succeeded').waitFor();
  await shot('flow-run-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('the browser reported no script errors on any flows page', () => {
  assert.deepEqual(problems, []);
});
