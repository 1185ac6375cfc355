// Swagger UI in a real (headless Debian) chromium against the real service: "Try it out" →
// Execute on POST /jobs/noop and GET /jobs, then the curl command the page shows, run by curl.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_PATH, ensureChromium } from '../../scripts/ensure-chromium.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { spawnLogged } from '../helpers/process.ts';

const ARTIFACTS = 'test-artifacts';

async function tryOperation(page: Page, blockId: string, shot: string): Promise<{ status: string; curl: string }> {
  const block = page.locator(`#${blockId}`);
  await block.locator('.opblock-summary').first().click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  await block.getByRole('button', { name: 'Execute' }).click();
  const status = block.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
  const curl = (await block.locator('.curl-command .curl, .curl-command pre, .curl').first().innerText()).trim();
  return { status: (await status.innerText()).trim(), curl };
}

test('Swagger UI: Try it out on POST /jobs/noop and GET /jobs, then the shown curl command works', async () => {
  const reason = ensureChromium();
  assert.equal(reason, null, `chromium is not available: ${reason}`);
  assert.ok(existsSync(CHROMIUM_PATH));
  mkdirSync(ARTIFACTS, { recursive: true });

  const dataDir = mkdtempSync(join(tmpdir(), 'bosun-ui-'));
  chmodSync(dataDir, 0o755);
  const databaseUrl = await createTestDatabase('bosun_ui');
  const port = 35000 + Math.floor(Math.random() * 2000);
  const service = spawnLogged(process.execPath, ['src/main.ts'], {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    BOSUN_DATA_DIR: join(dataDir, 'pg'),
    LOG_LEVEL: 'info',
  });
  after(async () => {
    if (service.child.pid && service.child.exitCode === null) process.kill(-service.child.pid, 'SIGTERM');
    await service.exited;
  });
  await service.waitForLine((l) => l.msg === 'bosun API listening', 60_000);
  const base = `http://127.0.0.1:${port}`;

  // A fresh profile each run (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'bosun-chromium-')), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${base}/api/v1/ui/`);
  await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui.png'), fullPage: true });

  const created = await tryOperation(page, 'operations-handler_jobs-createNoopJob', 'swagger-post-noop.png');
  assert.equal(created.status, '201', `POST /jobs/noop answered ${created.status}`);
  const listed = await tryOperation(page, 'operations-jobs-listJobs', 'swagger-get-jobs.png');
  assert.equal(listed.status, '200', `GET /jobs answered ${listed.status}`);

  for (const [curl, check] of [
    [created.curl, (out: Record<string, unknown>) => assert.equal((out.job as Record<string, unknown>).handler, 'noop')],
    [listed.curl, (out: Record<string, unknown>) => assert.ok(Array.isArray(out.jobs) && (out.jobs as unknown[]).length >= 1)],
  ] as const) {
    assert.match(curl, /^curl /);
    const out = execFileSync('sh', ['-c', `${curl.replace(/\\\n/g, ' ')} --silent --show-error --fail-with-body`], { encoding: 'utf8', timeout: 15_000 });
    check(JSON.parse(out) as Record<string, unknown>);
  }
});
