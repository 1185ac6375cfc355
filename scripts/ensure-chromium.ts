#!/usr/bin/env node
// `npm test`'s pretest step: makes sure Debian's chromium is there for the Swagger UI
// browser test (playwright-core drives it; no browser is ever downloaded by npm).
// When it is missing and we are root, installs it with apt-get; otherwise says why not,
// and the browser test then fails with that reason (it never skips silently).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Installs chromium when missing; returns null when it is there, else the reason it is not. */
export function ensureChromium(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    return `${CHROMIUM_PATH} is missing and this is not a Debian-like system: install chromium by hand`;
  }
  if (process.getuid?.() !== 0) {
    return `${CHROMIUM_PATH} is missing; run 'sudo apt-get install -y chromium' (not root, so not installing it)`;
  }
  process.stderr.write('ensure-chromium: /usr/bin/chromium is missing; installing Debian\'s chromium with apt-get (for the browser test)...\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['-qq', 'update'], ['-qq', 'install', '-y', '--no-install-recommends', 'chromium']]) {
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8' });
    if (r.status !== 0) return `apt-get ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().slice(-800)}`;
  }
  if (!existsSync(CHROMIUM_PATH)) return `apt-get installed chromium but ${CHROMIUM_PATH} is still missing`;
  process.stderr.write('ensure-chromium: chromium installed.\n');
  return null;
}

if (import.meta.main) {
  const reason = ensureChromium();
  // Not fatal here: the rest of the suite still runs, and the browser test fails with this reason.
  if (reason) process.stderr.write(`ensure-chromium: ${reason}\n`);
}
