import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { tmpdir, userInfo } from 'node:os';
import pg from 'pg';
import { ConfigError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { adoptPassword, ensurePassword, LEGACY_PASSWORD, readPassword, SUPERUSER } from './embedded-password.ts';
import { startWatchdog } from './embedded-postgres-watchdog.ts';
import { binariesIn, packagedBinaries, type PostgresBinaries } from './postgres-binaries.ts';

/** A PostgreSQL server bosun started for itself, and how to reach it. */
export interface EmbeddedServer {
  url: string;
  port: number;
  /** Stops the server (fast shutdown) and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Folder with `initdb` and `postgres`; defaults to this platform's @embedded-postgres package. */
  binDir?: string;
}

const USER = SUPERUSER;
// Crash recovery after a kill can take a while on a big data folder; a minute is generous.
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

// The server takes password (SCRAM) connections over loopback TCP and nothing else: no unix socket
// (see spawnPostgres), no `trust`. Rewritten at every start, so clusters made by older versions
// (cleartext `password` lines, IPv6 loopback, replication) get the same rules.
const PG_HBA = `# Written by bosun at every start: the embedded server takes password connections over loopback only.
host all all 127.0.0.1/32 scram-sha-256
`;

const urlFor = (password: string, port: number) => `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The server running on a data folder, from its postmaster.pid (line 1 the pid, line 4 the port),
 * and its URL with the password of the file beside the folder (the old fixed one before a first
 * start of this version made the file).
 */
export function runningServer(dataDir: string): { pid: number; port: number; url: string } | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port, url: urlFor(readPassword(dataDir) ?? LEGACY_PASSWORD, port) };
}

/** Other bosun processes connected to a server (application_name starts with "bosun"). */
async function bosunClients(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where application_name like 'bosun%' and pid <> pg_backend_pid()",
    );
    return rows[0]?.n ?? 0;
  } catch {
    return 0; // not answering: certainly nobody's database any more
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A server left running by a bosun that was killed with SIGKILL still holds the data folder:
 * we stop it and start our own. One that a live bosun is still using is refused instead,
 * since stopping it would pull the database from under that process.
 */
async function stopLeftover(dataDir: string, logger: Logger): Promise<void> {
  const running = runningServer(dataDir);
  if (running === undefined) return;
  // A leftover of an older bosun may still have the fixed password the file is about to replace.
  const clients = Math.max(await bosunClients(running.url), await bosunClients(urlFor(LEGACY_PASSWORD, running.port)));
  if (clients > 0) {
    throw new ConfigError(
      'BOSUN_DATA_DIR',
      `${dataDir} is in use by another running bosun (PostgreSQL pid ${running.pid}); one data folder serves one bosun process — ` +
        'stop the other one, choose another BOSUN_DATA_DIR, or share one database between instances with DATABASE_URL',
    );
  }
  const { pid } = running;
  logger.warn({ pid, dataDir }, 'stopping a PostgreSQL left running on this data folder by an earlier process');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** Starts a private PostgreSQL in `dataDir`, creating the cluster on first use. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, logger } = options;
  const log = logger.child({ component: 'embedded-postgres' });
  const port = (await isPortFree(options.port)) ? options.port : await freePort();
  const binaries = options.binDir === undefined ? await packagedBinaries() : binariesIn(options.binDir);
  const ids = postgresIds();

  const created = !existsSync(join(dataDir, 'PG_VERSION'));
  if (created) log.info({ dataDir }, 'creating the PostgreSQL data folder');
  await prepareDataDir(binaries, dataDir, ids);
  if (!created) await stopLeftover(dataDir, log);
  // Made before initdb, so a cluster never exists without its password file.
  const { password } = await ensurePassword(dataDir);
  if (created) await initdb(binaries.initdb, dataDir, password, ids);
  await writeHba(dataDir, ids);

  const child = await spawnPostgres(binaries.postgres, dataDir, port, ids, log);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      // A fast shutdown that has not ended in time becomes an immediate one (crash recovery
      // at the next start) rather than a stop that never returns.
      const immediate = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(immediate);
        resolve();
      });
      child.kill('SIGINT'); // fast shutdown: disconnect clients, checkpoint, exit
    });
    return stopping;
  };
  try {
    await adoptPassword(dataDir, port, password, log);
  } catch (err) {
    await stop();
    throw err;
  }
  log.info({ port, dataDir }, 'embedded PostgreSQL ready');

  return { url: urlFor(password, port), port, stop };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to run its binaries and write
 * its data folder: a checkout under /root, or a folder above the data that only root may enter,
 * would otherwise fail inside initdb with a bare "Permission denied".
 */
function assertReachable(postgres: string, dataDir: string, ids: { uid: number; gid: number }): void {
  const check = spawnSync('/bin/sh', ['-c', 'test -x "$1" && test -w "$2"', 'sh', postgres, dataDir], { ...ids, stdio: 'ignore' });
  if (check.status === 0) return;
  throw new ConfigError(
    'BOSUN_DATA_DIR',
    `bosun runs as root, so its PostgreSQL runs as the system user "${USER}", which cannot reach ${dataDir} or ${dirname(postgres)} ` +
      '(a folder above them is closed to other users, as /root is). Run bosun as a user other than root, or keep the checkout and ' +
      'BOSUN_DATA_DIR under folders other users may enter (for example /srv or /opt)',
  );
}

/** The user PostgreSQL runs as: `postgres` when bosun runs as root, else bosun's own (no ids). */
type PostgresIds = { uid: number; gid: number } | Record<string, never>;

/** PostgreSQL refuses to run as root: as root, run it as a `postgres` system user, created if missing. */
function postgresIds(): PostgresIds {
  if (userInfo().uid !== 0) return {};
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER]);
  }
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  return { uid, gid };
}

/**
 * Creates the data folder when missing and, as root, hands it to the `postgres` user and checks
 * that user can reach it. Only the cluster's own folder is private: the folders above it must
 * let `postgres` through (mkdir's mode would apply to every folder it creates).
 */
async function prepareDataDir(binaries: PostgresBinaries, dataDir: string, ids: PostgresIds): Promise<void> {
  await mkdir(dirname(dataDir), { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if ('uid' in ids) {
    await chown(dataDir, ids.uid, ids.gid);
    assertReachable(binaries.postgres, dataDir, { uid: ids.uid, gid: ids.gid });
  }
}

async function initdb(initdbBin: string, dataDir: string, password: string, ids: PostgresIds): Promise<void> {
  // initdb reads the password from a file: one in a private folder of its own, readable by
  // the user initdb runs as and nobody else, removed as soon as initdb is done.
  const folder = await mkdtemp(join(tmpdir(), 'bosun-initdb-'));
  const pwfile = join(folder, 'password');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if ('uid' in ids) {
    await chown(folder, ids.uid, ids.gid);
    await chown(pwfile, ids.uid, ids.gid);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        initdbBin,
        [`--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
        { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (code ${code}): ${stderr.trim()}`))));
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Replaces the cluster's pg_hba.conf with bosun's rules (PG_HBA), owned by the user PostgreSQL runs as. */
async function writeHba(dataDir: string, ids: PostgresIds): Promise<void> {
  const file = join(dataDir, 'pg_hba.conf');
  await writeFile(file, PG_HBA, { mode: 0o600 });
  if ('uid' in ids) await chown(file, ids.uid, ids.gid);
}

function spawnPostgres(
  postgres: string,
  dataDir: string,
  port: number,
  ids: { uid?: number; gid?: number },
  log: Logger,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // Own process group: a Ctrl-C in the terminal reaches bosun only, which then
    // finishes its runs, writes their records and stops PostgreSQL last. Settings given here win
    // over postgresql.conf and ALTER SYSTEM: loopback TCP only, no unix socket.
    const child = spawn(
      postgres,
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200'],
      { ...ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // Armed at once, not once ready: a bosun killed during the start leaves nothing behind either.
    // Disarmed when the postmaster exits, whoever stopped it.
    if (child.pid !== undefined) {
      const watchdog = startWatchdog(child.pid, dataDir, ids, log);
      child.once('exit', () => watchdog.disarm());
    }
    let output = '';
    let ready = false;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (!ready) output += chunk;
      for (const line of chunk.split('\n').filter(Boolean)) log.debug({ postgres: line });
      if (!ready && output.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not become ready within ${START_TIMEOUT_MS / 1000} s: ${output.trim().slice(-2000)}`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`PostgreSQL exited during startup (code ${code}, signal ${signal}): ${output.trim().slice(-2000)}`));
    });
    child.once('error', reject);
  });
}
