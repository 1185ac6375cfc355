// A flow step's run in the dashboard, in a real browser against a real bosun: a flow defined at run
// time (POST /flows) whose second step fails; the failure's run link opens the step's run page
// (it said "No such run"), which names and links its flow run; the Runs page lists the steps of
// that flow run (?flow_run_id=) under their flow. Screenshot: test-artifacts/dashboard-step-run.png.
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
let api: ReturnType<typeof apiCaller>;

{
  assertChromium();
  const databaseUrl = await createTestDatabase('bosun_dash_steps');
  const dir = await mkdtemp(join(tmpdir(), 'bosun-dash-steps-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const started = await startService(serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_AUTH: 'on', BOSUN_DEFAULT_JOBS_DIR: dir, BOSUN_FLOWS_DIR: dir }));
  base = started.base;
  token = await adminToken(databaseUrl);
  api = apiCaller(base, token, started.service);
  ({ page, problems } = await watchedPage(await launchChromium({ width: 1280, height: 860 })));
}

test("a failed flow step's run opens from its failure and leads to its flow run", async () => {
  await api('POST', '/flows', {
    name: 'two-steps',
    steps: [
      { id: 'first', handler: 'noop' },
      { id: 'second', handler: 'command', waits: ['first'], kwargs: { command: 'echo about to fail; exit 3' } },
    ],
  });
  const { flow_run } = await api('POST', '/flows/two-steps/runs', {});
  const deadline = Date.now() + 20_000;
  while ((await api('GET', `/flow-runs/${flow_run.flow_run_id}`)).flow_run.status !== 'failed') {
    assert.ok(Date.now() < deadline, 'the flow run did not fail in time');
    await new Promise((r) => setTimeout(r, 100));
  }

  await page.goto(`${base}/dashboard/failures`);
  await signIn(page, token);
  const failure = page.locator('ul.failures li', { hasText: 'step second of flow run' }).first();
  await failure.getByRole('link', { name: /^run / }).click();
  const heading = page.getByRole('heading', { level: 1 });
  await heading.getByRole('link', { name: /two-steps run/ }).waitFor();
  assert.doesNotMatch(await page.locator('main').innerText(), /No such run/);
  assert.match((await heading.innerText()).replace(/\s+/g, ' '), /two-steps run \w+ step second run \w+ failed/);
  assert.equal(await page.getByRole('button', { name: 'Cancel run' }).isDisabled(), true);
  await screenshot(page, 'dashboard-step-run.png');

  await heading.getByRole('link', { name: /two-steps run/ }).click();
  await page.waitForURL(new RegExp(`/dashboard/flow-runs/${flow_run.flow_run_id}$`));

  await page.goto(`${base}/dashboard/runs?flow_run_id=${flow_run.flow_run_id}`);
  const rows = page.locator('table.runs tbody tr');
  await rows.nth(1).waitFor();
  const jobs = await rows.locator('td[data-label="Job"]').allInnerTexts();
  assert.deepEqual(jobs.sort(), ['two-steps · first', 'two-steps · second']);
  assert.deepEqual(problems, []);
});
