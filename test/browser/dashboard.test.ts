// The dashboard in a real browser against a real bosun: Debian's chromium driven by
// playwright-core, the service started as `node src/main.ts` on a fresh database, auth on.
// Clicks through: sign in, a job created by API appears, run it now, its run succeeds with
// its log, pause it, a failing job's failure appears with its stack trace, runs per status,
// delete with confirmation. Screenshots go to test-artifacts/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createTestDatabase } from '../helpers/database.ts';
import { adminToken, apiCaller, assertChromium, launchChromium, screenshot, serviceEnv, signIn, startService, watchedPage } from '../helpers/browser.ts';

let base: string;
let token: string;
let page: Page;
let problems: string[];
/** Calls the API as the test's admin, failing loudly on anything but 2xx. */
let api: ReturnType<typeof apiCaller>;

async function shot(name: string): Promise<void> {
  await screenshot(page, `dashboard-${name}.png`);
}

// Set up at the top level, not in before(): the after() hooks registered here and by the helpers
// (dropping the database, removing the folder, stopping the service and the browser) must run when
// the file ends, not when the first hook does.
{
  assertChromium();
  const databaseUrl = await createTestDatabase('bosun_dash');
  // An empty default-jobs folder: the tables then hold exactly the jobs this test creates.
  const noDefaults = await mkdtemp(join(tmpdir(), 'bosun-no-default-jobs-'));
  after(() => rm(noDefaults, { recursive: true, force: true }));
  const started = await startService(serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_AUTH: 'on', BOSUN_DEFAULT_JOBS_DIR: noDefaults }));
  base = started.base;
  // The service has migrated the database by now; the token goes straight into it, as `bosun tokens create` would.
  token = await adminToken(databaseUrl);
  api = apiCaller(base, token, started.service);
  ({ page, problems } = await watchedPage(await launchChromium({ width: 1280, height: 860 })));
}

test('/ redirects to the dashboard, which serves only its own assets', async () => {
  const root = await fetch(`${base}/`, { redirect: 'manual' });
  assert.equal(root.headers.get('location'), '/dashboard/');
  const shell = await fetch(`${base}/dashboard/`);
  assert.equal(shell.status, 200);
  assert.match(shell.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const html = await shell.text();
  assert.doesNotMatch(html, /https?:\/\//, 'no asset from another origin');
});

test('a token is asked for, a wrong one refused, the right one kept', async () => {
  await page.goto(`${base}/dashboard/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await shot('sign-in');
  // The wrong token's first refusal brings the form back; its other requests are held until the
  // right token is in, as a busy server would answer them: a late 401 for a token already replaced
  // must not sign the user out again.
  const wrong = 'bosun_not-a-real-token';
  const held: (() => void)[] = [];
  const heldDone: Promise<unknown>[] = [];
  let refusedOnce = false;
  await page.route('**/api/v1/**', async (route) => {
    if (route.request().headers().authorization === `Bearer ${wrong}`) {
      if (refusedOnce) {
        heldDone.push(page.waitForEvent('requestfinished', (r) => r === route.request()));
        await new Promise<void>((release) => held.push(release));
      }
      refusedOnce = true;
    }
    await route.continue();
  });
  await signIn(page, wrong);
  await page.getByText('That token was not accepted').waitFor();
  await signIn(page, token);
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  assert.ok(held.length > 0, 'some requests with the wrong token were held');
  for (const release of held) release();
  await Promise.all(heldDone);
  await page.unroute('**/api/v1/**');
  await page.getByText('No jobs yet.').waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Sign in' }).count(), 0, 'the late refusals did not bring the form back');
  assert.equal(await page.evaluate(() => localStorage.getItem('bosun.token')), token);
});

test('a job created by API appears without a reload, runs now, and its run succeeds with its log', async () => {
  await api('POST', '/jobs', {
    job_id: 'nightly-report',
    handler: 'command',
    kwargs: { command: 'echo report written to /tmp/report.csv' },
    description: 'Writes the nightly report',
    periodically: '5:00:00',
  });
  const row = page.locator('tr[data-job-id="nightly-report"]');
  await row.waitFor(); // polling brought it in: the page was never reloaded
  assert.match(await row.innerText(), /command/);
  assert.match(await row.locator('td.schedule').innerText(), /every 5 hours/);
  assert.match(await row.innerText(), /running/);
  assert.match(await row.innerText(), /never/);
  assert.ok(await row.getByRole('button', { name: 'Pause nightly-report' }).isEnabled());
  await shot('jobs');

  await row.getByRole('button', { name: 'Run nightly-report now' }).click();
  await row.locator('.badge.s-succeeded').waitFor({ timeout: 30_000 });

  await row.getByRole('link', { name: 'nightly-report' }).click();
  await page.getByRole('heading', { name: /nightly-report/ }).first().waitFor();
  await page.getByText('HTTP API').waitFor(); // the source of the definition
  const runRow = page.locator('table.runs tbody tr').first();
  await runRow.locator('.badge.s-succeeded').waitFor();
  assert.match(await runRow.innerText(), /manual/);
  await runRow.locator('details summary').click();
  await runRow.getByText('report written to /tmp/report.csv').waitFor();
  assert.equal(await page.locator('section ol.upcoming li').count(), 5, 'five upcoming occurrences');
  assert.equal(await page.locator('svg.chart rect.bar.s-succeeded').count(), 1, 'the run is in the chart');
  await shot('job');

  await runRow.getByRole('link').first().click();
  await page.getByRole('heading', { name: /nightly-report run/ }).waitFor();
  await page.locator('ol.log').getByText('report written to /tmp/report.csv').waitFor();
  assert.match(await page.locator('pre.result').innerText(), /"exit_code": 0/);
  assert.ok(await page.getByRole('button', { name: 'Cancel run' }).isDisabled(), 'a finished run cannot be cancelled');
  await shot('run');
});

test('pause from the jobs table: the state changes, the button becomes Resume', async () => {
  await page.goto(`${base}/dashboard/`);
  const row = page.locator('tr[data-job-id="nightly-report"]');
  await row.getByRole('button', { name: 'Pause nightly-report' }).click();
  await row.getByRole('button', { name: 'Resume nightly-report' }).waitFor();
  assert.match(await row.innerText(), /paused/);
  assert.equal((await api('GET', '/jobs/nightly-report')).job.state, 'paused');
  await page.getByLabel('State').selectOption('paused');
  await page.waitForURL(/state=paused/);
  assert.equal(await page.locator('tbody tr').count(), 1);
  await page.getByLabel('State').selectOption('');
});

test('a failing job: its failure appears with the stack trace and the kwargs that failed', async () => {
  await api('POST', '/jobs', { job_id: 'flaky-import', name: 'Flaky import', max_instances: 2, handler: 'command', kwargs: { command: 'echo importing; echo "disk quota exceeded" >&2; exit 3' }, periodically: '1 day' });
  await page.goto(`${base}/dashboard/jobs/flaky-import`);
  const definition = page.locator('dl.definition');
  await definition.waitFor();
  assert.match(await definition.innerText(), /Name\s+Flaky import[\s\S]*Max instances\s+2/, 'its name and max_instances are shown');
  await page.getByRole('button', { name: 'Run flaky-import now' }).click();
  const failure = page.locator('li.failure').first();
  await failure.waitFor({ timeout: 30_000 });
  assert.match(await failure.innerText(), /exit|3/);
  await failure.getByText('Stack trace').click();
  const stack = await failure.locator('details.stack pre').innerText();
  assert.match(stack, /disk quota exceeded/);
  assert.match(stack, /\n\s+at /, 'a real stack trace');
  await page.locator('table.runs .badge.s-failed').waitFor();
  await shot('job-failed');

  await page.getByRole('link', { name: 'Failures' }).click();
  const group = page.locator('section.failure-group[data-job-id="flaky-import"]');
  await group.waitFor();
  await group.getByText('Arguments').first().click();
  assert.match(await group.locator('pre').first().innerText(), /exit 3/);
  await shot('failures');
});

test('runs: counts per status over the range, a timeline, a status filter', async () => {
  await page.getByRole('link', { name: 'Runs' }).click();
  const count = (status: string) => page.locator(`button[data-key="count:${status}"] .n`);
  await page.waitForFunction(() => document.querySelectorAll('svg.timeline rect.mark').length === 2);
  assert.equal(await count('succeeded').innerText(), '1');
  assert.equal(await count('failed').innerText(), '1');
  await shot('runs');
  await page.locator('button[data-key="count:failed"]').click();
  await page.waitForURL(/status=failed/);
  await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 1);
  assert.equal(await page.locator('table.runs tbody tr').getAttribute('data-status'), 'failed');
});

test('clearing a failure and deleting a job both ask first', async () => {
  await page.goto(`${base}/dashboard/failures`);
  await page.locator('li.failure').first().waitFor();
  await page.getByRole('button', { name: /Clear failure/ }).first().click();
  await page.getByText('No failures.').waitFor();
  assert.equal((await api('GET', '/failures')).total, 0);

  await page.goto(`${base}/dashboard/`);
  const row = page.locator('tr[data-job-id="flaky-import"]');
  await row.getByRole('button', { name: 'Delete flaky-import' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Delete job “flaky-import”?').waitFor();
  await shot('confirm-delete');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await api('GET', '/jobs/flaky-import')).job.job_id, 'flaky-import', 'cancel keeps the job');
  await row.getByRole('button', { name: 'Delete flaky-import' }).click();
  await dialog.getByRole('button', { name: 'Delete job' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await api('GET', '/jobs')).total, 1);
});

test('the browser reported no script errors on any page', () => {
  assert.deepEqual(problems, []);
});
