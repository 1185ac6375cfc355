// Issue 24's attacks through a job, replayed against a real bosun process: a `command` job that
// prints `id -u; env` must not see root or bosun's secrets (a canary in bosun's environment, its
// DATABASE_URL, its OTEL_* headers), and an `http` job must not reach a cloud metadata address,
// directly or through a redirect from a server it may call.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { createTestDatabase } from '../helpers/database.ts';
import { spawnLogged } from '../helpers/process.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const CANARY = `canary-${process.pid}-7f3a`;

const databaseUrl = await createTestDatabase();
const emptyDir = await mkdtemp(join(tmpdir(), 'bosun-reach-'));
const { DATABASE_URL: _test, BOSUN_TEST_DATABASE_URL: _alsoTest, ...inherited } = process.env;
const bosun = spawnLogged(
  process.execPath,
  ['src/main.ts'],
  {
    ...inherited,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: 'info',
    BOSUN_DEFAULT_JOBS_DIR: emptyDir,
    BOSUN_CANARY_SECRET: CANARY,
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${CANARY}`,
    PGAPPNAME: `bosun-${CANARY}`,
  },
  ROOT,
);
after(async () => {
  try {
    process.kill(-bosun.child.pid!, 'SIGTERM');
  } catch {
    /* gone */
  }
  await bosun.exited;
  await rm(emptyDir, { recursive: true, force: true });
});
const api = `${String((await bosun.waitForLine((l) => l.msg === 'bosun API listening')).url)}/api/v1`;

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${api}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  assert.ok(response.ok, `${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The job's first run once it has finished, read alone (with its log). */
async function finishedRun(jobId: string): Promise<Record<string, unknown>> {
  const until = Date.now() + 30_000;
  for (;;) {
    const { runs } = (await call('GET', `/jobs/${jobId}/runs`)) as { runs: Array<Record<string, unknown>> };
    const done = runs.find((r) => !['scheduled', 'running'].includes(String(r.status)));
    if (done !== undefined) return (await call('GET', `/runs/${String(done.run_id)}`)).run as Record<string, unknown>;
    if (Date.now() > until) throw new Error(`${jobId} did not finish: ${JSON.stringify(runs)}`);
    await sleep(100);
  }
}

test("a command job sees neither root nor bosun's environment", async () => {
  await call('POST', '/jobs/command?job_id=reach-env', { command: 'id -u; env', tail_chars: 100000 });
  const run = await finishedRun('reach-env');
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  const output = (run.result as { stdout_tail: string }).stdout_tail;
  const [uid, ...env] = output.trim().split('\n');
  if (process.getuid?.() === 0) assert.notEqual(uid, '0', 'bosun runs as root here, the command must not');
  const names = env.map((line) => line.slice(0, line.indexOf('=')));
  // PWD, SHLVL and _ are the shell's own.
  for (const name of names) assert.match(name, /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|TZ|LC_[A-Z]+|PWD|SHLVL|_)$/, `unexpected variable ${name} in\n${output}`);
  assert.doesNotMatch(output, new RegExp(CANARY));
  assert.ok(!output.includes(new URL(databaseUrl).pathname.slice(1)), 'the database name of DATABASE_URL is not in the output');
  const everything = JSON.stringify(run) + JSON.stringify(await call('GET', '/failures')) + JSON.stringify(await call('GET', '/audit'));
  assert.doesNotMatch(everything, new RegExp(CANARY), 'nor in the run, failures or audit');
  assert.doesNotMatch(bosun.output(), new RegExp(CANARY), 'nor in the service log');
});

test('an http job cannot reach the metadata address, directly or by a redirect', async (t) => {
  const redirector = createServer((_req, res) => void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }).end());
  redirector.listen(0, '127.0.0.1');
  await once(redirector, 'listening');
  t.after(() => redirector.close());
  const redirect = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`;

  for (const [jobId, url] of [['reach-metadata', 'http://169.254.169.254/latest/meta-data/'], ['reach-redirect', redirect]] as const) {
    await call('POST', `/jobs/http?job_id=${jobId}`, { url, timeout: '5s' });
    const run = await finishedRun(jobId);
    assert.equal(run.status, 'failed', JSON.stringify(run));
    assert.match(String(run.error), /169\.254\.169\.254:80 is link-local .*allow it with BOSUN_HTTP_ALLOW/);
    const { failures } = (await call('GET', `/failures?job_id=${jobId}`)) as { failures: Array<Record<string, unknown>> };
    assert.equal(failures[0]?.error_name, 'HttpTargetRefusedError', JSON.stringify(failures));
  }
});
