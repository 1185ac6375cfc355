// bosun as the benchmarks run it: in this process through startService, or as a real child
// process through src/main.ts. Both get an empty default-jobs and flows folder, so only the
// benchmark's own jobs exist.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';
import { startService, type Service } from '../../src/service.ts';
import { spawnLogged, type Spawned } from '../../test/helpers/process.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The environment of a bosun under test: the given database, a free port, empty job folders. */
export async function serviceEnv(databaseUrl: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const empty = await mkdtemp(join(tmpdir(), 'bosun-bench-empty-'));
  return { DATABASE_URL: databaseUrl, PORT: '0', BOSUN_DEFAULT_JOBS_DIR: empty, BOSUN_FLOWS_DIR: empty, BOSUN_AUTH: 'off', ...extra };
}

/** Starts bosun in this process (startService) on `databaseUrl`. */
export async function inProcessService(databaseUrl: string, logger: Logger, extra: Record<string, string> = {}): Promise<Service> {
  return startService(loadConfig(await serviceEnv(databaseUrl, extra)), logger);
}

/** A bosun child process (node src/main.ts) and its API URL once it listens. */
export interface ChildService {
  proc: Spawned;
  url: string;
  /** SIGTERM, then SIGKILL of the group if it has not stopped after 20 s. */
  stop(): Promise<void>;
}

/** Starts `node src/main.ts` as a child process on `databaseUrl` and waits until it listens. */
export async function childService(databaseUrl: string, extra: Record<string, string> = {}, startupMs = 300_000): Promise<ChildService> {
  const env = { ...process.env, ...(await serviceEnv(databaseUrl, extra)), LOG_LEVEL: 'info' };
  const proc = spawnLogged(process.execPath, [join(ROOT, 'src/main.ts')], env, ROOT);
  const kill = () => {
    try {
      process.kill(-proc.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  // The `listening` line is logged at info: a LOG_LEVEL above it would make this wait forever.
  const listening = await proc.waitForLine((l) => l.msg === 'bosun API listening' || l.level === 60, startupMs).catch((err: unknown) => {
    kill();
    throw err;
  });
  if (listening.level === 60) {
    kill();
    throw new Error(`bosun failed to start: ${proc.output().slice(-2000)}`);
  }
  return {
    proc,
    url: String(listening.url),
    async stop() {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      process.kill(proc.child.pid!, 'SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 20_000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}
