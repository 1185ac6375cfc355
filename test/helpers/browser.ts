// What the browser tests share: the real service as a child process, Debian's chromium driven by
// playwright-core on a fresh profile, signing in, the page's script errors, screenshots. The helpers
// that start something register their own after() hook to stop it; call them at a file's top level
// (or inside a test) rather than in before(), so those hooks run when the file (or test) ends.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../../scripts/ensure-chromium.ts';
import { spawnLogged, type Spawned } from './process.ts';
import { testLogger } from './database.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createToken } from '../../src/auth/tokens.ts';

/** The repository's root, where the service is started and the artifacts are written. */
export const ROOT = new URL('../..', import.meta.url).pathname;
/** Where screenshots go. */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Fails the file at once, saying how to get it, when Debian's chromium is not installed. */
export function assertChromium(): void {
  assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: 'npm test' installs it (scripts/ensure-chromium.ts), or apt-get install chromium`);
}

/** The service's environment: this process's (less the harness's own database URL), any free port on 127.0.0.1, info logs, plus `extra`. */
export function serviceEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const { BOSUN_TEST_DATABASE_URL: _t, ...env } = process.env;
  return { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...extra };
}

/** Starts `node src/main.ts` with `env`, waits until it listens and returns it with its URL; stopped when the file (or test) ends. */
export async function startService(env: Record<string, string | undefined>): Promise<{ service: Spawned; base: string }> {
  const service = spawnLogged(process.execPath, ['src/main.ts'], env, ROOT);
  after(() => stopService(service));
  const base = String((await service.waitForLine((l) => l.msg === 'bosun API listening')).url);
  return { service, base };
}

/** SIGTERM, up to 15 s for a clean stop, then SIGKILL to the whole process group. */
export async function stopService(service: Spawned): Promise<void> {
  service.child.kill('SIGTERM');
  await Promise.race([service.exited, new Promise((r) => setTimeout(r, 15_000))]);
  try {
    process.kill(-service.child.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** The service's error-level log lines, one JSON object a line. */
export function serviceErrors(service: Spawned): string {
  return service.lines.filter((l) => Number(l.level) >= 50).map((l) => JSON.stringify(l)).join('\n');
}

/** An admin token written straight into the (migrated) database, as `bosun tokens create --admin` would. */
export async function adminToken(databaseUrl: string, user = 'ops'): Promise<string> {
  const database = openDatabase(databaseUrl, testLogger);
  try {
    return (await createToken(database.db, { user, admin: true })).token;
  } finally {
    await database.close();
  }
}

/** A caller of the service's API with `token`, failing loudly (with the service's errors) on anything but 2xx. */
export function apiCaller(base: string, token: string, service: Spawned): (method: string, path: string, body?: unknown) => Promise<any> {
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}\nservice errors:\n${serviceErrors(service)}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Debian's chromium on a fresh profile (a temp --user-data-dir), closed and its profile removed when the file (or test) ends. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'bosun-chromium-'));
  let context: BrowserContext | undefined;
  after(async () => {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
  });
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport });
  return context;
}

/** The context's first tab, 20 s default timeout, with the page errors and console errors (but 401s) it reports collected in `problems`. */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // 401s before signing in are expected; anything else the console reports is a defect.
    if (msg.type() === 'error' && !/401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  return { page, problems };
}

/** Submits the dashboard's sign-in form with `token`. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Saves a full-page screenshot as test-artifacts/<file>. */
export async function screenshot(page: Page, file: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true });
}
