// A dedicated embedded PostgreSQL that a scenario stops and starts again on the same port, with
// every wait bounded: a start that never reports ready, or a stop whose exit never comes, fails
// the scenario with what it waited for (and the server is killed) instead of hanging the run.
import { createServer } from 'node:net';
import { runningServer, startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded-postgres.ts';
import { testLogger } from '../helpers/database.ts';
import { isAlive } from '../helpers/process.ts';
import { sleep, within } from './cluster.ts';

const START_MS = 60_000;
const STOP_MS = 30_000;

/**
 * A free port below Linux's ephemeral range (32768-60999): inside it, an outgoing connection of
 * any process can be given the port while the server is down, and the server cannot come back on it.
 */
export async function pickPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portFree(port)) return port;
  }
  throw new Error('no free port found in 20000-31999 after 20 tries');
}

/** Waits until `port` can be bound on 127.0.0.1; fails after `ms`. */
export async function waitPortFree(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await portFree(port))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for port ${port} to be free again`);
    await sleep(200);
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Starts (or restarts) the server on `dataDir`; fails after 60 s, killing what it started. */
export async function startPostgres(dataDir: string, port: number): Promise<EmbeddedServer> {
  const starting = startEmbeddedPostgres({ dataDir, port, logger: testLogger, binDir: process.env.BOSUN_PG_BIN_DIR });
  try {
    return await within(starting, START_MS, `embedded PostgreSQL on ${dataDir} (port ${port}) to accept connections`);
  } catch (err) {
    // Once the postmaster is killed the start promise rejects (it exited during startup) or, if it
    // had just become ready, resolves with a server that is gone: either way nothing is left running.
    starting.catch(() => {});
    await killPostgres(dataDir);
    throw err;
  }
}

/** Stops the server (fast shutdown) and waits for its exit; after 30 s kills it and fails. */
export async function stopPostgres(server: EmbeddedServer, dataDir: string): Promise<void> {
  try {
    await within(server.stop(), STOP_MS, `embedded PostgreSQL on port ${server.port} to exit after SIGINT (fast shutdown)`);
  } catch (err) {
    await killPostgres(dataDir);
    throw err;
  }
}

/** SIGKILL of the postmaster holding `dataDir` (from its postmaster.pid), waiting up to 5 s for it to go. */
async function killPostgres(dataDir: string): Promise<void> {
  const running = runningServer(dataDir);
  if (!running) return;
  try {
    process.kill(running.pid, 'SIGKILL');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 5000;
  while (isAlive(running.pid) && Date.now() < deadline) await sleep(50);
}
