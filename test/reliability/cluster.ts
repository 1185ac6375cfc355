// Shared set-up of the reliability scenarios: bosun instances as real child processes
// (node src/main.ts) on one database, the test handlers of ./handlers, and the queries that
// count runs per occurrence.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { spawnLogged, type Spawned } from '../helpers/process.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
export const HANDLERS_DIR = new URL('./handlers/', import.meta.url).pathname;

/** One bosun process under test. */
export interface Instance {
  proc: Spawned;
  url: string;
  pid: number;
  /** SIGTERM and wait for the exit (SIGKILL of the group after 20 s; fails if still not gone 10 s later). */
  stop(): Promise<void>;
  /** kill -9 of the process (and its group: handler children die with it); fails if it is not gone within 10 s. */
  kill(): Promise<void>;
  /** The last log lines, for a failure message. */
  tail(lines?: number): string;
  /** `run started` log lines seen so far. */
  started(): Array<Record<string, unknown>>;
}

/** Starts `node src/main.ts` on `databaseUrl` with the test handlers, and waits until it listens. */
export async function startInstance(databaseUrl: string, env: Record<string, string> = {}): Promise<Instance> {
  const empty = await mkdtemp(join(tmpdir(), 'bosun-rel-empty-'));
  const { DATABASE_URL: _a, BOSUN_TEST_DATABASE_URL: _b, ...rest } = process.env;
  const proc = spawnLogged(
    process.execPath,
    [join(ROOT, 'src/main.ts')],
    { ...rest, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', BOSUN_DEFAULT_JOBS_DIR: empty, BOSUN_FLOWS_DIR: empty, BOSUN_HANDLERS_DIR: HANDLERS_DIR, BOSUN_AUTH: 'off', BOSUN_SHUTDOWN_TIMEOUT: '2', ...env },
    ROOT,
  );
  const listening = await proc.waitForLine((l) => l.msg === 'bosun API listening' || l.level === 60, 60_000).catch((err: unknown) => {
    killGroup(proc.child.pid!);
    throw err;
  });
  if (listening.level === 60) {
    killGroup(proc.child.pid!);
    throw new Error(`bosun failed to start: ${proc.output().slice(-3000)}`);
  }
  const pid = proc.child.pid!;
  const gone = () => proc.child.exitCode !== null || proc.child.signalCode !== null;
  return {
    proc,
    url: `${String(listening.url)}/api/v1`,
    pid,
    async stop() {
      if (gone()) return;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid), 20_000);
      try {
        await within(proc.exited, 30_000, `bosun ${pid} to exit after SIGTERM (SIGKILL of its group at 20 s)`);
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (gone()) return;
      killGroup(pid);
      await within(proc.exited, 10_000, `bosun ${pid} to exit after SIGKILL of its group`);
    },
    started: () => proc.lines.filter((l) => l.msg === 'run started'),
    tail: (n = 30) => proc.output().split('\n').filter((l) => !l.includes('"run started"') && !l.includes('"run ended"')).slice(-n).join('\n'),
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** POST/PUT/... JSON to an instance; returns status and parsed body; fails if the answer takes over 15 s. */
export async function call(url: string, method: string, body?: unknown): Promise<{ status: number; body: any }> {
  // fetch's own limit is 300 s for the headers: longer than a test may last, so a hung instance would hang the test.
  const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
  let text: string;
  let status: number;
  try {
    const res = await fetch(url, { method, signal, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    if (signal.aborted) throw new Error(`timed out after ${CALL_TIMEOUT_MS} ms waiting for the answer to ${method} ${url}`);
    throw err;
  }
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status, body: parsed };
}

/** Creates a job through POST /jobs; throws unless 201. */
export async function createJob(api: string, job: Record<string, unknown>): Promise<void> {
  const res = await call(`${api}/jobs`, 'POST', job);
  if (res.status !== 201) throw new Error(`POST /jobs ${JSON.stringify(job)}: ${res.status} ${JSON.stringify(res.body)}`);
}

const CALL_TIMEOUT_MS = 15_000;

/** A plain pg client on the database, closed by the caller (connect and each query bounded). */
export async function sqlClient(databaseUrl: string): Promise<pg.Client> {
  // Bounded: a server that is stopped, starting or wedged must fail the test, not hang it.
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000, query_timeout: 60_000 });
  // The test database is dropped WITH (FORCE) when the file ends, which ends this connection.
  client.on('error', () => {});
  await client.connect();
  return client;
}

export interface RunRow {
  job_id: string;
  scheduled_for: Date;
  status: string;
  trigger: string;
  attempt: number;
  host: string | null;
  error: string | null;
}

/** Every run of jobs whose id starts with `prefix`, oldest occurrence first. */
export async function runsOf(client: pg.Client, prefix: string): Promise<RunRow[]> {
  const { rows } = await client.query<RunRow>(
    `select job_id, scheduled_for, status, trigger, attempt, host, error from runs where job_id like $1 order by job_id, scheduled_for`,
    [`${prefix}%`],
  );
  return rows;
}

/** Handler starts per (job, occurrence), from the instances' `run started` lines (attempt 1 of scheduled runs). */
export function executions(instances: Instance[], prefix: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const i of instances) {
    for (const l of i.started()) {
      if (l.trigger !== 'schedule' || !String(l.job_id).startsWith(prefix) || l.attempt !== 1) continue;
      const key = `${String(l.job_id)} ${new Date(String(l.scheduled_for)).toISOString()}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `promise`, or a rejection naming `what` if it has not settled after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Ends a client from sqlClient, bounded (end() waits for the server's goodbye). */
export async function endClient(client: pg.Client): Promise<void> {
  await within(client.end(), 10_000, 'the SQL client to close').catch((err: unknown) => {
    // The socket is what keeps the process alive: destroy it rather than leave the file running.
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    throw err;
  });
}

/** Polls `check` until it returns something other than undefined; fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** Readiness samples of one instance: when asked and whether it answered 200. */
export type ReadinessSamples = Array<{ at: number; ok: boolean }>;

/**
 * Asks every instance's /readiness every `everyMs` until stop(). stop() is idempotent and bounded,
 * so a test can call it both in its body and in after(): a loop left running keeps the test file's
 * process alive after the test has failed, and the whole run never ends.
 */
export function watchReadiness(instances: Instance[], everyMs = 250): { samples: ReadinessSamples[]; stop(): Promise<void> } {
  const samples: ReadinessSamples[] = instances.map(() => []);
  let probing = true;
  const loops = instances.map(async (inst, k) => {
    while (probing) {
      const at = Date.now();
      const ok = await fetch(`${inst.url}/readiness`, { signal: AbortSignal.timeout(2000) }).then(
        async (r) => {
          await r.body?.cancel();
          return r.status === 200;
        },
        () => false,
      );
      samples[k]!.push({ at, ok });
      if (probing) await sleep(everyMs);
    }
  });
  return {
    samples,
    async stop() {
      probing = false;
      await within(Promise.all(loops), 5000, 'the readiness probes to stop');
    },
  };
}

/** Prints a scenario's summary line (node --test shows it in the output). */
export function report(scenario: string, counts: Record<string, number | string>): void {
  console.log(`[reliability] ${scenario}: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}
