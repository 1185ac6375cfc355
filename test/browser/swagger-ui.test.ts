// Swagger UI in a real (headless Debian) chromium against the real service: "Try it out" →
// Execute on POST /jobs/noop and GET /jobs, then the curl command the page shows, run by curl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CHROMIUM_PATH, ensureChromium } from '../../scripts/ensure-chromium.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { launchChromium, screenshot, serviceEnv, startService } from '../helpers/browser.ts';

async function tryOperation(page: Page, blockId: string, shot: string): Promise<{ status: string; curl: string }> {
  const block = page.locator(`#${blockId}`);
  await block.locator('.opblock-summary').first().click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  await block.getByRole('button', { name: 'Execute' }).click();
  const status = block.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  await screenshot(page, shot);
  const curl = (await block.locator('.curl-command .curl, .curl-command pre, .curl').first().innerText()).trim();
  return { status: (await status.innerText()).trim(), curl };
}

test('Swagger UI: Try it out on POST /jobs/noop and GET /jobs, then the shown curl command works', async () => {
  const reason = ensureChromium();
  assert.equal(reason, null, `chromium is not available: ${reason}`);
  assert.ok(existsSync(CHROMIUM_PATH));

  // The helpers register their after() hooks on this test: the service and the browser stop when it ends.
  const databaseUrl = await createTestDatabase('bosun_ui');
  const { base } = await startService(serviceEnv({ DATABASE_URL: databaseUrl }));
  const page = await (await launchChromium({ width: 1400, height: 1000 })).newPage();
  // The page runs under its Content-Security-Policy: anything it blocks is reported here.
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const ui = await page.goto(`${base}/api/v1/ui/`);
  assert.match(ui?.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
  assert.equal(ui?.headers()['x-content-type-options'], 'nosniff');
  await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
  await screenshot(page, 'swagger-ui.png');

  const created = await tryOperation(page, 'operations-handler_jobs-createNoopJob', 'swagger-post-noop.png');
  assert.equal(created.status, '201', `POST /jobs/noop answered ${created.status}`);
  const listed = await tryOperation(page, 'operations-jobs-listJobs', 'swagger-get-jobs.png');
  assert.equal(listed.status, '200', `GET /jobs answered ${listed.status}`);

  assert.deepEqual(violations, [], 'Swagger UI works under its Content-Security-Policy');

  for (const [curl, check] of [
    [created.curl, (out: Record<string, unknown>) => assert.equal((out.job as Record<string, unknown>).handler, 'noop')],
    [listed.curl, (out: Record<string, unknown>) => assert.ok(Array.isArray(out.jobs) && (out.jobs as unknown[]).length >= 1)],
  ] as const) {
    assert.match(curl, /^curl /);
    const out = execFileSync('sh', ['-c', `${curl.replace(/\\\n/g, ' ')} --silent --show-error --fail-with-body`], { encoding: 'utf8', timeout: 15_000 });
    check(JSON.parse(out) as Record<string, unknown>);
  }
});
