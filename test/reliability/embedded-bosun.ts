// Set-up of the scenarios about bosun's own embedded PostgreSQL: `npm start` as a user runs it
// (node src/main.ts, no DATABASE_URL, a fresh BOSUN_DATA_DIR), and the processes left on that
// data folder, found by their command line as `ps` would show them.
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordFile } from '../../src/db/embedded-password.ts';
import { HANDLERS_DIR, sleep } from './cluster.ts';
import { pickPort } from './restartable-postgres.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** A fresh folder for one bosun: its data folder inside, and the environment `npm start` would get. */
export interface Sandbox {
  dir: string;
  dataDir: string;
  port: number;
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-orphan-'));
  // As root, PostgreSQL runs as `postgres`, who must be let through to the data folder.
  await chmod(dir, 0o755);
  const dataDir = join(dir, 'pg');
  const port = await pickPort();
  const { DATABASE_URL: _a, BOSUN_TEST_DATABASE_URL: _b, ...rest } = process.env;
  const env = {
    ...(rest as Record<string, string>),
    BOSUN_DATA_DIR: dataDir,
    BOSUN_PG_PORT: String(await pickPort()),
    PORT: String(port),
    LOG_LEVEL: 'info',
    BOSUN_AUTH: 'off',
    BOSUN_DEFAULT_JOBS_DIR: dir,
    BOSUN_FLOWS_DIR: dir,
    BOSUN_HANDLERS_DIR: HANDLERS_DIR,
  };
  return { dir, dataDir, port, env, remove: () => rm(dir, { recursive: true, force: true }).then(() => rm(passwordFile(dataDir), { force: true })) };
}

/** Pids of the processes whose command line holds `-D <dataDir>`: the postmaster of that folder. */
export async function postgresOf(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').then((t) => t.split('\0'), () => [] as string[]);
    if (argv.some((arg, i) => arg === '-D' && argv[i + 1] === dataDir)) pids.push(Number(entry));
  }
  return pids;
}

/** Milliseconds until no postgres of `dataDir` is left; fails after `ms`, naming the pids still there. */
export async function postgresGoneWithin(dataDir: string, ms: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const left = await postgresOf(dataDir);
    if (left.length === 0) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`postgres of ${dataDir} still running ${ms} ms later: pids ${left.join(', ')}`);
    await sleep(100);
  }
}

/** SIGKILL of what a failed scenario may have left (bosun and its postmaster), so the run goes on clean. */
export async function killLeftovers(pids: Array<number | undefined>, dataDir: string): Promise<void> {
  for (const pid of [...pids, ...(await postgresOf(dataDir))]) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
