// A class handler calling process.exit(7): Node cannot keep the process from honouring it for
// long, so bosun records the run as failed, logs a line naming it, stops gracefully (its
// embedded PostgreSQL last) and exits non-zero. Run as a user would: `node src/main.ts` with no
// DATABASE_URL, on a fresh data folder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { passwordFile } from '../../src/db/embedded-password.ts';
import { spawnLogged } from '../helpers/process.ts';
import { postgresOf } from './embedded-bosun.ts';
import { createJob, report, within } from './cluster.ts';
import { pickPort, startPostgres, stopPostgres } from './restartable-postgres.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const HANDLERS = new URL('./unruly/handlers/', import.meta.url).pathname;

test('a class handler calling process.exit: the run is recorded failed, bosun stops PostgreSQL and exits non-zero', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-handler-exit-'));
  // As root, bosun's PostgreSQL runs as user postgres, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const dataDir = join(dir, 'pg');
  const pgPort = await pickPort();
  const { DATABASE_URL: _a, BOSUN_TEST_DATABASE_URL: _b, ...rest } = process.env;
  const bosun = spawnLogged(
    process.execPath,
    [join(ROOT, 'src/main.ts')],
    { ...rest, BOSUN_DATA_DIR: dataDir, BOSUN_PG_PORT: String(pgPort), PORT: '0', LOG_LEVEL: 'info', BOSUN_AUTH: 'off', BOSUN_DEFAULT_JOBS_DIR: dir, BOSUN_FLOWS_DIR: dir, BOSUN_HANDLERS_DIR: HANDLERS, BOSUN_SHUTDOWN_TIMEOUT: '5' },
    ROOT,
  );
  after(async () => {
    for (const pid of [bosun.child.pid, ...(await postgresOf(dataDir))]) {
      try {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await rm(dir, { recursive: true, force: true });
    await rm(passwordFile(dataDir), { force: true });
  });
  const listening = await bosun.waitForLine((l) => l.msg === 'bosun API listening', 90_000);
  const api = `${String(listening.url)}/api/v1`;
  assert.ok((await postgresOf(dataDir)).length > 0, 'bosun runs its embedded PostgreSQL');

  await createJob(api, { job_id: 'exits', handler: 'unruly-exit', periodically: '1 hour', when: new Date(Date.now() + 1000).toISOString() });
  const exited = await within(bosun.exited, 30_000, 'bosun to exit after its handler called process.exit');
  const left = await postgresOf(dataDir);

  const named = bosun.lines.find((l) => l.level === 60 && typeof l.msg === 'string' && l.msg.includes('process.exit(7) called by handler unruly-exit in run '));
  const runId = named?.run_id;
  // The run as bosun recorded it, read from its data folder once bosun is gone.
  const server = await startPostgres(dataDir, await pickPort());
  let run: { status: string; error: string | null } | undefined;
  try {
    const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      run = (await client.query<{ status: string; error: string | null }>(`select status, error from runs where job_id = 'exits'`)).rows[0];
    } finally {
      await client.end();
    }
  } finally {
    await stopPostgres(server, dataDir);
  }

  report('class handler calling process.exit', { exit_code: String(exited.code), signal: String(exited.signal), run_status: run?.status ?? 'none', logged: String(named !== undefined), postgres_left: left.length });
  assert.ok(named, `a fatal log line names the run; output:\n${bosun.output().slice(-3000)}`);
  assert.equal(exited.signal, null, 'bosun exited by itself');
  assert.ok(exited.code !== null && exited.code !== 0, `bosun exits non-zero (exit code ${exited.code})`);
  assert.deepEqual(left, [], 'no postgres of its data folder is left');
  assert.equal(run?.status, 'failed');
  assert.equal(run?.error, `HandlerCalledExit: process.exit(7) called by handler unruly-exit in run ${String(runId)}`);
  assert.ok(bosun.lines.some((l) => l.msg === 'stopped'), 'bosun stopped gracefully');
});
