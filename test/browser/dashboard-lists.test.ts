// The dashboard's lists in a real browser against a real bosun (Debian's chromium, playwright-core,
// `node src/main.ts` on a fresh database, auth on): several jobs paused, resumed, run and deleted at
// once with a result per job; filters whose empty lists say so with a way to clear them; the
// failures page's filters kept in the URL; an unknown job's page; the runs timeline fitted to its
// runs with a long job id readable; and every page at phone width (420 px) without sideways
// scrolling, its actions on screen. Screenshots at 1400 and 420 px go to test-artifacts/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createTestDatabase } from '../helpers/database.ts';
import { adminToken, apiCaller, assertChromium, launchChromium, screenshot, serviceEnv, signIn, startService, watchedPage } from '../helpers/browser.ts';

const PHONE = { width: 420, height: 900 };
const DESKTOP = { width: 1400, height: 900 };
const UUID_JOB = '0f8c6d2e-4b1a-4c3e-9d7f-2a6b8c9e1f00';

let base: string;
let page: Page;
let problems: string[];
let api: ReturnType<typeof apiCaller>;

{
  assertChromium();
  const databaseUrl = await createTestDatabase('bosun_dash_lists');
  const noDefaults = await mkdtemp(join(tmpdir(), 'bosun-no-default-jobs-'));
  after(() => rm(noDefaults, { recursive: true, force: true }));
  const started = await startService(serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_AUTH: 'on', BOSUN_DEFAULT_JOBS_DIR: noDefaults }));
  base = started.base;
  const token = await adminToken(databaseUrl);
  api = apiCaller(base, token, started.service);
  ({ page, problems } = await watchedPage(await launchChromium(DESKTOP)));
  for (const job_id of ['report-a', 'report-b', 'cleanup', UUID_JOB]) {
    await api('POST', '/jobs', { job_id, handler: 'command', kwargs: { command: `echo ${job_id}` }, periodically: '6:00:00' });
  }
  await api('POST', '/jobs', { job_id: 'flaky', handler: 'command', kwargs: { command: 'echo "disk full" >&2; exit 4' }, periodically: '1 day' });
  await page.goto(`${base}/dashboard/`);
  await signIn(page, token);
}

/** Every 404 the page was answered, by path: only the missing jobs' own may be among them. */
const notFound: string[] = [];
page.on('response', (res) => {
  if (res.status() === 404) notFound.push(new URL(res.url()).pathname);
});

const row = (id: string) => page.locator(`tr[data-job-id="${id}"]`);
const select = (id: string) => row(id).getByRole('checkbox', { name: `Select ${id}` });
const bulkResult = (id: string) => page.locator(`.bulk-results li[data-job-id="${id}"] .result`);

/** Fails when the page scrolls sideways at this width: everything fits, or scrolls inside its own box. */
async function assertNoSidewaysScroll(what: string): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `${what}: the page is ${scroll} px wide in a ${client} px window`);
}

test('several jobs paused, resumed and run at once, with a result per job', async () => {
  await row('report-a').waitFor();
  const pauseSelected = page.getByRole('button', { name: 'Pause selected' });
  assert.ok(await pauseSelected.isDisabled(), 'nothing selected, nothing to pause');
  await select('report-a').check();
  await select('report-b').check();
  await page.locator('#selected-count').getByText('2 selected').waitFor();
  await pauseSelected.click();
  await page.getByRole('heading', { name: 'Pause: 2 of 2 jobs paused.' }).waitFor();
  assert.equal(await bulkResult('report-a').innerText(), '✓ paused');
  assert.equal((await api('GET', '/jobs/report-b')).job.state, 'paused');
  await row('report-b').getByRole('button', { name: 'Resume report-b' }).waitFor();

  // Resume everything shown: the two paused ones resume, the running ones are skipped with the reason.
  await page.getByLabel('Select all shown').check();
  await page.locator('#selected-count').getByText('5 selected').waitFor();
  await page.getByRole('button', { name: 'Resume selected' }).click();
  await page.getByRole('heading', { name: 'Resume: 2 of 5 jobs resumed; 3 skipped.' }).waitFor();
  assert.equal(await bulkResult('cleanup').innerText(), 'skipped: running, not paused');
  assert.equal((await api('GET', '/jobs/report-a')).job.state, 'running');
  await shot('bulk', DESKTOP);

  await selectNone();
  await select(UUID_JOB).check();
  await select('flaky').check();
  await page.getByRole('button', { name: 'Run now selected' }).click();
  await page.getByRole('heading', { name: 'Run now: 2 of 2 jobs run started.' }).waitFor();
  await row('flaky').locator('.badge.s-failed').waitFor({ timeout: 30_000 });
  await row(UUID_JOB).locator('.badge.s-succeeded').waitFor({ timeout: 30_000 });
});

/** Empties the selection: select all, then none. */
async function selectNone(): Promise<void> {
  await page.getByLabel('Select all shown').check();
  await page.getByLabel('Select all shown').uncheck();
  await page.locator('#selected-count').getByText('0 selected').waitFor();
}

test('deleting several jobs asks first, names them, and reports each', async () => {
  await selectNone();
  await select('report-a').check();
  await select('report-b').check();
  await page.getByRole('button', { name: 'Delete selected' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Delete 2 jobs (report-a, report-b)?').waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await api('GET', '/jobs/report-a')).job.job_id, 'report-a', 'cancel keeps them');
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await dialog.getByRole('button', { name: 'Delete 2 jobs' }).click();
  await page.getByRole('heading', { name: 'Delete: 2 of 2 jobs deleted.' }).waitFor();
  await row('report-a').waitFor({ state: 'detached' });
  await row('report-b').waitFor({ state: 'detached' });
  assert.equal((await api('GET', '/jobs')).total, 3);
  await page.locator('#selected-count').getByText('0 selected').waitFor();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  assert.equal(await page.locator('.bulk-results').count(), 0);
});

test('a filter that empties the jobs list says so and clears in one click', async () => {
  await page.getByLabel('Search').fill('no-such-thing');
  await page.waitForURL(/q=no-such-thing/);
  await page.getByText('No jobs match these filters.').waitFor();
  await page.getByRole('link', { name: 'Clear the filters' }).click();
  await row('cleanup').waitFor();
  assert.equal(new URL(page.url()).search, '');
});

test("an unknown job's page says so and leads back", async () => {
  await page.goto(`${base}/dashboard/jobs/no-such-job`);
  await page.getByRole('heading', { name: 'No job ‘no-such-job’' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Definition' }).isVisible(), false, 'nothing of a job is drawn');
  assert.equal(await page.getByRole('heading', { name: 'History' }).isVisible(), false, 'no history for a job that never was');
  assert.equal(await page.title(), 'No job no-such-job · bosun');
  await shot('job-missing', DESKTOP);
  // A deleted job keeps its history, which says who deleted it.
  await page.goto(`${base}/dashboard/jobs/report-a`);
  await page.getByRole('heading', { name: 'No job ‘report-a’' }).waitFor();
  await page.getByText('This job has been deleted').waitFor();
  await page.locator('table.audit').getByText('deleted').first().waitFor();
  await page.getByRole('link', { name: '← Back to the jobs' }).click();
  await row('cleanup').waitFor();
});

test('failures: ?job= is honoured, filters are kept in the URL, an empty result says so', async () => {
  await api('POST', '/jobs/cleanup/run');
  await page.goto(`${base}/dashboard/failures?job=flaky`);
  const group = page.locator('section.failure-group[data-job-id="flaky"]');
  await group.waitFor();
  assert.equal(await page.getByLabel('Job').inputValue(), 'flaky');
  await page.getByLabel('Time range').selectOption('1h');
  await page.waitForURL(/job=flaky&range=1h/);
  await group.waitFor();
  await page.getByLabel('Handler').selectOption('http');
  await page.waitForURL(/handler=http/);
  await page.getByText('No failures match these filters.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Clear matching' }).isDisabled(), true);
  await page.reload();
  assert.equal(await page.getByLabel('Handler').inputValue(), 'http', 'the filter survives a reload');
  await page.getByText('No failures match these filters.').waitFor();
  await page.getByRole('link', { name: 'Clear the filters' }).click();
  await group.waitFor();
  assert.equal(await page.getByLabel('Job').inputValue(), '');
  await shot('failures-filtered', DESKTOP);
});

test('runs: the timeline fits the runs drawn and a long job id stays readable', async () => {
  await page.goto(`${base}/dashboard/runs`);
  await page.waitForFunction(() => document.querySelectorAll('svg.timeline rect.mark').length >= 3);
  await page.getByText('Fitted to the runs drawn').waitFor();
  // Runs of the last minute in a 24-hour range: spread over the width, not a sliver at its right edge.
  const xs = await page.locator('svg.timeline rect.mark').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().x));
  const box = (await page.locator('svg.timeline').boundingBox())!;
  assert.ok(Math.min(...xs) < box.x + box.width * 0.6, `the first run is drawn at ${Math.min(...xs) - box.x} px of ${box.width}`);
  const lane = page.locator('svg.timeline a.lane-link').filter({ hasText: '0f8c6d2e' });
  const label = (await lane.boundingBox())!;
  assert.ok(label.x >= box.x, 'the long label is not clipped on the left');
  assert.equal(await lane.getAttribute('href'), `/dashboard/jobs/${UUID_JOB}`);
  await page.getByLabel('Status', { exact: true }).selectOption('cancelled');
  await page.getByText('No runs match these filters in the last 24 hours.').first().waitFor();
  assert.equal(await page.getByText('No runs yet.').count(), 0);
  await page.getByRole('link', { name: 'Clear the filters' }).first().click();
  await page.waitForFunction(() => document.querySelectorAll('svg.timeline rect.mark').length >= 3);
  await shot('runs-timeline', DESKTOP);
});

test('at phone width every page fits, and every job action is on screen', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(`${base}/dashboard/`);
  await row('cleanup').waitFor();
  await assertNoSidewaysScroll('jobs');
  for (const id of ['cleanup', 'flaky', UUID_JOB]) {
    for (const name of [`Pause ${id}`, `Run ${id} now`, `Delete ${id}`, `Select ${id}`]) {
      const b = (await row(id).getByRole(name.startsWith('Select') ? 'checkbox' : 'button', { name }).boundingBox())!;
      assert.ok(b.x >= 0 && b.x + b.width <= PHONE.width, `${name} is on screen (x ${b.x}, width ${b.width})`);
    }
  }
  await shot('jobs', PHONE);
  await select('cleanup').check();
  await page.getByRole('button', { name: 'Pause selected' }).click();
  await page.getByRole('heading', { name: 'Pause: 1 of 1 job paused.' }).waitFor();
  await shot('bulk', PHONE);

  const pages: Array<[string, string, () => Promise<unknown>]> = [
    ['job', `jobs/${UUID_JOB}`, () => page.locator('table.runs tbody tr').first().waitFor()],
    ['runs', 'runs', () => page.locator('svg.timeline rect.mark').first().waitFor()],
    ['failures', 'failures', () => page.locator('section.failure-group').first().waitFor()],
    ['audit', 'audit', () => page.locator('table.audit tbody tr').first().waitFor()],
    ['flows', 'flows', () => page.getByRole('heading', { name: 'Flows', exact: true }).first().waitFor()],
    ['job-missing', 'jobs/no-such-job', () => page.getByRole('heading', { name: 'No job ‘no-such-job’' }).waitFor()],
  ];
  for (const [name, path, ready] of pages) {
    await page.goto(`${base}/dashboard/${path}`);
    await ready();
    await assertNoSidewaysScroll(name);
    await shot(name, PHONE);
  }
  const run = page.locator('table.runs tbody tr');
  await page.goto(`${base}/dashboard/jobs/${UUID_JOB}`);
  await run.first().locator('a').first().click();
  await page.locator('ol.log').waitFor();
  await assertNoSidewaysScroll('run');
  await shot('run', PHONE);
  await page.setViewportSize(DESKTOP);
});

test('the browser reported no script errors on any page', () => {
  // The missing jobs' pages are answered 404 by the API, as they should be; the browser logs each.
  assert.deepEqual([...new Set(notFound)].sort(), ['/api/v1/jobs/no-such-job', '/api/v1/jobs/report-a']);
  assert.deepEqual(problems.filter((p) => !/status of 404/.test(p)), []);
});

async function shot(name: string, viewport: { width: number }): Promise<void> {
  await screenshot(page, `dashboard-${name}-${viewport.width}.png`);
}
