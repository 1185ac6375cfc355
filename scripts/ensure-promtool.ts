#!/usr/bin/env node
// `npm test`'s pretest step, beside ensure-chromium.ts: makes sure Prometheus's `promtool` is there
// for the test that checks ops/prometheus/bosun-alerts.yml. It takes promtool from Debian's
// `prometheus` package: installed already (/usr/bin/promtool), or else fetched with
// `apt-get download` and unpacked under node_modules/.cache, so no Prometheus server is installed,
// enabled or started on the machine. When it cannot, it says why, and the test fails with that reason.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SYSTEM_PROMTOOL = '/usr/bin/promtool';
const CACHE = new URL('../node_modules/.cache/bosun-promtool/', import.meta.url).pathname;
const CACHED_PROMTOOL = join(CACHE, 'usr/bin/promtool');

/** The promtool to run: Debian's when installed, else the one unpacked into the cache. */
export function promtoolPath(): string {
  return existsSync(SYSTEM_PROMTOOL) ? SYSTEM_PROMTOOL : CACHED_PROMTOOL;
}

function run(command: string, args: string[], cwd?: string): string | null {
  const r = spawnSync(command, args, { cwd, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
  if (r.status === 0) return null;
  return `${command} ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error?.message}): ${(r.stderr || r.stdout || '').trim().slice(-800)}`;
}

/** Fetches promtool when missing; returns null when it is there, else the reason it is not. */
export function ensurePromtool(): string | null {
  if (existsSync(promtoolPath())) return null;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    return `promtool is missing and this is not a Debian-like system: install Prometheus's promtool by hand (${SYSTEM_PROMTOOL})`;
  }
  process.stderr.write("ensure-promtool: promtool is missing; fetching Debian's prometheus package with apt-get (for the alert rules test)...\n");
  const work = mkdtempSync(join(tmpdir(), 'bosun-promtool-'));
  try {
    let failed = run('apt-get', ['-qq', 'download', 'prometheus'], work);
    // Package lists not fetched yet (a fresh container): only root may fetch them.
    if (failed && process.getuid?.() === 0) failed = run('apt-get', ['-qq', 'update']) ?? run('apt-get', ['-qq', 'download', 'prometheus'], work);
    if (failed) return failed;
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) return `apt-get download prometheus left no .deb in ${work}`;
    mkdirSync(CACHE, { recursive: true });
    const unpacked = run('dpkg-deb', ['-x', join(work, deb), CACHE]);
    if (unpacked) return unpacked;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(CACHED_PROMTOOL)) return `the prometheus package held no ${CACHED_PROMTOOL}`;
  process.stderr.write(`ensure-promtool: promtool unpacked to ${CACHED_PROMTOOL}.\n`);
  return null;
}

if (import.meta.main) {
  const reason = ensurePromtool();
  // Not fatal here: the rest of the suite still runs, and the alert rules test fails with this reason.
  if (reason) process.stderr.write(`ensure-promtool: ${reason}\n`);
}
