// bosun's embedded PostgreSQL never outlives it: `npm start` in a terminal that closes (SIGHUP
// from the pty going away) stops gracefully — the run in flight finishes and is recorded, then
// PostgreSQL stops — and a bosun killed with SIGKILL has its PostgreSQL stopped by the watchdog.
// In both, no postgres of that data folder is left 10 s later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { runningServer } from '../../src/db/embedded-postgres.ts';
import { spawnLogged } from '../helpers/process.ts';
import { call, createJob, eventually, report, sleep, within } from './cluster.ts';
import { killLeftovers, postgresGoneWithin, postgresOf, ROOT, sandbox, type Sandbox } from './embedded-bosun.ts';
import { startPostgres, stopPostgres } from './restartable-postgres.ts';

const PROMISED_MS = 10_000;
const START_MS = 120_000;

/** Whether `pid` is a live process (a zombie waiting for its reaper is not). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}

/** The API's base URL once bosun answers ready; fails at once if bosun exits first, with its output. */
async function readyAt(box: Sandbox, output: () => string, exited: Promise<unknown>): Promise<string> {
  const api = `http://127.0.0.1:${box.port}/api/v1`;
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + START_MS;
  while (!ended && Date.now() < deadline) {
    if ((await call(`${api}/readiness`, 'GET').catch(() => undefined))?.status === 200) return api;
    await sleep(250);
  }
  throw new Error(`${ended ? 'bosun exited before it was ready' : `bosun not ready after ${START_MS} ms`}; output:\n${output().slice(-3000)}`);
}

/** Creates a 3 s job and waits until its run is `running`; returns the run's id. */
async function runInFlight(box: Sandbox, api: string): Promise<string> {
  await createJob(api, { job_id: 'orphan-sleep', handler: 'rel-sleep', kwargs: { ms: 3000 } });
  const url = runningServer(box.dataDir)?.url;
  assert.ok(url, 'the embedded server is running and its password file readable');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await eventually(async () => {
      const { rows } = await client.query<{ run_id: string }>(`select run_id from runs where job_id = 'orphan-sleep' and status = 'running'`);
      return rows[0]?.run_id;
    }, 30_000, 'the run of orphan-sleep to be running');
  } finally {
    await client.end();
  }
}

/** The final status of a run, read on the data folder's server started again for the purpose. */
async function statusAfterRestart(box: Sandbox, runId: string): Promise<string | undefined> {
  const server = await startPostgres(box.dataDir, Number(box.env.BOSUN_PG_PORT));
  try {
    const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return (await client.query<{ status: string }>('select status from runs where run_id = $1', [runId])).rows[0]?.status;
    } finally {
      await client.end();
    }
  } finally {
    await stopPostgres(server, box.dataDir);
  }
}

for (const stdout of ['file', 'terminal'] as const) {
  test(`npm start in a terminal that closes (stdout to the ${stdout}): graceful stop, the run recorded, no postgres left`, { timeout: 240_000 }, async () => {
    const box = await sandbox();
    const logFile = join(box.dir, 'bosun.log');
    const pidFile = join(box.dir, 'bosun.pid');
    // The shell execs node, so bosun is the pty's session leader, as in a terminal emulator.
    const redirect = stdout === 'file' ? ` > '${logFile}' 2>&1` : '';
    const command = `echo $$ > '${pidFile}'; exec '${process.execPath}' '${join(ROOT, 'src/main.ts')}'${redirect}`;
    const script = spawn('script', ['-qfc', command, '/dev/null'], { cwd: ROOT, env: box.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    script.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    script.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => script.once('exit', () => resolve()));
    let bosunPid: number | undefined;
    try {
      const api = await readyAt(box, () => output + (stdout === 'file' ? readFileSync(logFile, 'utf8') : ''), exited);
      bosunPid = Number((await readFile(pidFile, 'utf8')).trim());
      const runId = await runInFlight(box, api);

      // The terminal goes away: the kernel hangs up the pty and sends SIGHUP to bosun.
      script.kill('SIGKILL');
      await within(exited, 5000, 'script to die');
      const gone = await postgresGoneWithin(box.dataDir, PROMISED_MS);
      const pid = bosunPid;
      await eventually(async () => ((await running(pid)) ? undefined : true), PROMISED_MS, 'bosun to exit');

      if (stdout === 'file') {
        const lines = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return {}; } });
        assert.ok(lines.some((l) => l.msg === 'shutting down (send again to force)' && l.signal === 'SIGHUP'), 'the log shows the SIGHUP and the graceful shutdown');
        assert.ok(lines.some((l) => l.msg === 'stopped'), 'the log shows the stop completed');
        assert.ok(!lines.some((l) => l.msg === 'forced exit'), 'no forced exit');
      }
      // Graceful: the handler in flight finished and its outcome was written before PostgreSQL stopped.
      assert.equal(await statusAfterRestart(box, runId), 'succeeded');
      report(`postgres-never-orphaned/sighup-${stdout}`, { postgres_gone_ms: gone, run: 'succeeded' });
    } finally {
      if (script.exitCode === null && script.signalCode === null) script.kill('SIGKILL');
      await killLeftovers([bosunPid], box.dataDir);
      await box.remove();
    }
  });
}

test('kill -9 of bosun: the watchdog stops its PostgreSQL within 10 s, and the next start uses the folder', { timeout: 240_000 }, async () => {
  const box = await sandbox();
  const main = join(ROOT, 'src/main.ts');
  let proc = spawnLogged(process.execPath, [main], box.env, ROOT);
  const pids: Array<number | undefined> = [proc.child.pid];
  try {
    await readyAt(box, proc.output, proc.exited);
    assert.equal((await postgresOf(box.dataDir)).length, 1, 'one postmaster runs on the data folder');
    process.kill(proc.child.pid!, 'SIGKILL');
    await within(proc.exited, 5000, 'bosun to die');
    const gone = await postgresGoneWithin(box.dataDir, PROMISED_MS);

    // The next start finds the folder cleanly stopped: no leftover to take over.
    proc = spawnLogged(process.execPath, [main], box.env, ROOT);
    pids.push(proc.child.pid);
    await readyAt(box, proc.output, proc.exited);
    assert.ok(!proc.lines.some((l) => String(l.msg).includes('left running')), 'no leftover server was found');
    process.kill(proc.child.pid!, 'SIGTERM');
    await within(proc.exited, 60_000, 'bosun to stop after SIGTERM');
    await postgresGoneWithin(box.dataDir, 1000);
    report('postgres-never-orphaned/kill-9', { postgres_gone_ms: gone });
  } finally {
    await killLeftovers(pids, box.dataDir);
    await sleep(100);
    await box.remove();
  }
});
