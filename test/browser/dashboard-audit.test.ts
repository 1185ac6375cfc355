// The dashboard's Audit page and a job's History in a real browser against a real bosun: tokens
// made by the real `bosun tokens create`, the service started as `node src/main.ts` with auth on.
// As alice: create a job, change one of its arguments, pause it, run it now; then sign in on the
// dashboard as alice and read those four actions, the diff, the filters (kept in the URL), a fifth
// action arriving by polling, and the job's History. Screenshots go to test-artifacts/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { createTestDatabase } from '../helpers/database.ts';
import { ROOT, apiCaller, assertChromium, launchChromium, screenshot, serviceEnv, signIn, startService, watchedPage } from '../helpers/browser.ts';

const run = promisify(execFile);
const JOB = 'billing-export';

let base: string;
let alice: string;
let page: Page;
let problems: string[];
/** Calls the API as alice, failing loudly on anything but 2xx. */
let api: ReturnType<typeof apiCaller>;

async function shot(name: string): Promise<void> {
  await screenshot(page, `dashboard-${name}.png`);
}

/** The audit rows on the page, newest first, as [action, actor]. */
async function rows(scope = 'table.audit'): Promise<Array<[string, string]>> {
  return page.locator(`${scope} > tbody > tr`).evaluateAll((trs) =>
    trs.map((tr) => [tr.getAttribute('data-action') ?? '', tr.querySelector('td.who')?.textContent ?? ''] as [string, string]),
  );
}

// Set up at the top level, not in before(): the after() hooks registered here and by the helpers
// (dropping the database, removing the folder, stopping the service and the browser) must run when
// the file ends, not when the first hook does.
{
  assertChromium();
  const databaseUrl = await createTestDatabase('bosun_dash_audit');
  // An empty default-jobs folder: the audit log then holds exactly what alice does.
  const noDefaults = await mkdtemp(join(tmpdir(), 'bosun-no-default-jobs-'));
  after(() => rm(noDefaults, { recursive: true, force: true }));
  const env = serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_AUTH: 'on', BOSUN_DEFAULT_JOBS_DIR: noDefaults });

  // The real CLI, as an operator would: the token is printed once on stdout. alice's job runs a
  // command, so her token is granted that powerful handler.
  const created = await run(process.execPath, ['src/cli/main.ts', 'tokens', 'create', '--user', 'alice', '--handlers', 'command'], { cwd: ROOT, env });
  alice = created.stdout.trim();
  assert.match(alice, /^\S{20,}$/);

  const started = await startService(env);
  base = started.base;
  api = apiCaller(base, alice, started.service);
  ({ page, problems } = await watchedPage(await launchChromium({ width: 1280, height: 860 })));
}

test('alice creates a job, changes an argument, pauses it and runs it now; the API records four entries', async () => {
  await api('POST', '/jobs', { job_id: JOB, handler: 'command', kwargs: { command: 'echo export v1', inherit_env: true }, description: 'Exports invoices', periodically: '1 hour' });
  await api('PATCH', `/jobs/${JOB}`, { kwargs: { command: 'echo export v2', inherit_env: true } });
  await api('PUT', `/jobs/${JOB}?state=paused`);
  await api('POST', `/jobs/${JOB}/run`);
  const { entries } = await api('GET', `/audit?job_id=${JOB}`);
  assert.deepEqual(
    entries.map((e: { action: string; actor: string }) => [e.action, e.actor]),
    [['ran_now', 'alice'], ['paused', 'alice'], ['modified', 'alice'], ['created', 'alice']],
  );
});

test('the Audit page, after signing in as alice, lists the four actions newest first with the diff', async () => {
  await page.goto(`${base}/dashboard/audit`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await signIn(page, alice);
  await page.getByRole('heading', { name: 'Audit' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Audit' }).getAttribute('aria-current'), 'page');
  await page.locator('table.audit > tbody > tr').nth(3).waitFor();
  assert.deepEqual(await rows(), [['ran_now', 'alice'], ['paused', 'alice'], ['modified', 'alice'], ['created', 'alice']]);
  assert.equal(await page.locator('#audit-count').innerText(), '4 entries');

  const modified = page.locator('table.audit > tbody > tr[data-action="modified"]');
  assert.equal(await modified.locator('td.what').innerText(), 'modified');
  // Only the argument that changed, opened out of kwargs, before → after.
  const diff = modified.locator('table.diff tbody tr');
  assert.equal(await diff.count(), 1, 'inherit_env did not change, so only kwargs.command is a row');
  assert.equal(await diff.locator('th').innerText(), 'kwargs.command');
  assert.equal(await diff.locator('td.from').innerText(), 'echo export v1');
  assert.equal(await diff.locator('td.to').innerText(), 'echo export v2');
  assert.ok(await diff.locator('td.from').isVisible());

  const paused = page.locator('table.audit > tbody > tr[data-action="paused"]');
  assert.match(await paused.locator('td.details').innerText(), /running → paused/);
  const ranNow = page.locator('table.audit > tbody > tr[data-action="ran_now"]');
  assert.equal(await ranNow.locator('td.what').innerText(), 'ran now');
  assert.match(await ranNow.locator('td.details a').getAttribute('href') ?? '', /^\/dashboard\/runs\/[0-9a-f-]{36}$/);
  const createdRow = page.locator('table.audit > tbody > tr[data-action="created"]');
  assert.match(await createdRow.locator('td.details').innerText(), /handler command/);

  // When: relative, with the absolute instant beside it (and on hover).
  const when = ranNow.locator('td.when');
  assert.match(await when.locator('time').innerText(), /ago|now/);
  assert.match(await when.locator('small').innerText(), /\d{4}/);
  assert.ok(await when.locator('time').getAttribute('title'));
  // Which job: linked to its page.
  assert.equal(await ranNow.locator('td.job a').getAttribute('href'), `/dashboard/jobs/${JOB}`);
  await shot('audit');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('audit-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('filters narrow the list and are kept in the URL across a reload', async () => {
  await page.getByLabel('Action').selectOption('modified');
  await page.waitForURL(/action=modified/);
  await page.waitForFunction(() => document.querySelectorAll('table.audit > tbody > tr').length === 1);
  assert.deepEqual(await rows(), [['modified', 'alice']]);

  await page.getByLabel('Actor').fill('bob');
  await page.waitForURL(/actor=bob/);
  await page.getByText('No audit entries match').waitFor();

  await page.getByLabel('Actor').fill('alice');
  await page.getByLabel('Time range').selectOption('1h');
  await page.waitForURL(/range=1h/);
  await page.reload();
  await page.getByRole('heading', { name: 'Audit' }).waitFor();
  assert.equal(await page.getByLabel('Action').inputValue(), 'modified');
  assert.equal(await page.getByLabel('Actor').inputValue(), 'alice');
  assert.equal(await page.getByLabel('Time range').inputValue(), '1h');
  await page.waitForFunction(() => document.querySelectorAll('table.audit > tbody > tr').length === 1);
  assert.deepEqual(await rows(), [['modified', 'alice']]);

  // An explicit window that ended before anything happened shows nothing, and drops the preset.
  await page.getByLabel('To', { exact: true }).fill('2020-01-01T00:00');
  await page.getByLabel('To', { exact: true }).dispatchEvent('change');
  await page.waitForURL((u) => u.searchParams.has('until') && !u.searchParams.has('range'));
  await page.getByText('No audit entries match').waitFor();

  await page.goto(`${base}/dashboard/audit?job_id=${JOB}`);
  await page.locator('table.audit > tbody > tr').nth(3).waitFor();
  assert.equal(await page.getByLabel('Job').inputValue(), JOB);
});

test('a new action appears by polling, without a reload', async () => {
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await api('PUT', `/jobs/${JOB}?state=running`);
  await page.locator('table.audit > tbody > tr[data-action="resumed"]').waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'the page was not reloaded');
  assert.deepEqual((await rows())[0], ['resumed', 'alice']);
  assert.match(await page.locator('tr[data-action="resumed"] td.details').innerText(), /paused → running/);
});

test("the job's page has a History section with the same entries and the diff", async () => {
  await page.locator('table.audit > tbody > tr[data-action="created"] td.job a').click();
  await page.waitForURL(`${base}/dashboard/jobs/${JOB}`);
  const history = page.locator('section[aria-labelledby="history-title"]');
  await history.getByRole('heading', { name: 'History' }).waitFor();
  await history.locator('table.audit > tbody > tr').nth(4).waitFor();
  assert.deepEqual(await rows('section[aria-labelledby="history-title"] table.audit'), [
    ['resumed', 'alice'],
    ['ran_now', 'alice'],
    ['paused', 'alice'],
    ['modified', 'alice'],
    ['created', 'alice'],
  ]);
  assert.equal(await history.locator('thead th').allInnerTexts().then((h) => h.includes('Job')), false, 'no Job column on the job’s own page');
  assert.equal(await history.locator('table.diff td.to').innerText(), 'echo export v2');
  assert.equal(await history.getByRole('link', { name: /All of this job’s history/ }).getAttribute('href'), `/dashboard/audit?job_id=${JOB}`);
  await history.scrollIntoViewIfNeeded();
  await shot('job-history');
});

test('the browser reported no script errors on any page', () => {
  assert.deepEqual(problems, []);
});
