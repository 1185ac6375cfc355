// Replays issue #24's "secrets spread": an `http` job with an Authorization header, a URL password
// and an api_key query parameter runs and fails on a real bosun child process (logging at debug).
// None of the canaries may appear in any view (jobs, failures, audit, runs and their logs, flows
// aside), the CLI's output or the service log, while the stored job keeps them and the target
// server receives the real header, also after an update that sends the redacted view back.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '../../src/auth/tokens.ts';
import { migratedDatabase } from '../helpers/database.ts';
import { spawnLogged } from '../helpers/process.ts';
import { bosun } from '../integration/cli/cli-process.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const CANARIES = ['CANARYBEARER', 'CANARYPW', 'CANARYKEY', 'CANARYXKEY', 'CANARYTOKEN'];

/** A server that answers 500 to everything and keeps the headers and URLs it was sent. */
async function recordingServer() {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'nope', token: 'CANARYTOKEN-echoed' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

test('an http job\'s Authorization header, URL password and api_key are *** in every copy, and still sent', async () => {
  const database = await migratedDatabase();
  const { token } = await createToken(database.db, { user: 'alice', admin: true });
  const target = await recordingServer();
  after(() => target.close());

  const { DATABASE_URL: _a, BOSUN_TEST_DATABASE_URL: _b, ...rest } = process.env;
  const app = spawnLogged(process.execPath, ['src/main.ts'], {
    ...rest,
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'debug',
    BOSUN_AUTH: 'on',
    BOSUN_DEFAULT_JOBS_DIR: mkdtempSync(join(tmpdir(), 'bosun-redaction-')),
  }, ROOT);
  after(() => {
    try {
      process.kill(-app.child.pid!, 'SIGKILL');
    } catch {
      /* already stopped */
    }
  });
  const base = String((await app.waitForLine((l) => l.msg === 'bosun API listening')).url);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text || '{}') as any };
  };
  const runAndWait = async (jobId: string) => {
    const run = (await call('POST', `/jobs/${jobId}/run`)).json.run.run_id as string;
    await app.waitForLine((l) => l.msg === 'run ended' && l.run_id === run, 30_000);
    return run;
  };

  const paused = { periodically: '1 day', when: '2099-01-01T00:00:00Z', state: 'paused', retries: 0 };
  const unreachable = {
    job_id: 'leaky-unreachable',
    handler: 'http',
    kwargs: { url: `http://user:CANARYPW@127.0.0.1:${await closedPort()}/?api_key=CANARYKEY`, headers: { Authorization: 'Bearer CANARYBEARER' }, timeout: '5s' },
    ...paused,
  };
  const answering = {
    job_id: 'leaky-answering',
    handler: 'http',
    kwargs: { url: `http://127.0.0.1:${target.port}/hook?api_key=CANARYKEY2&page=1`, headers: { Authorization: 'Bearer CANARYBEARER2', 'X-Api-Key': 'CANARYXKEY', Accept: 'application/json' }, timeout: '5s' },
    ...paused,
  };
  const created: string[] = [];
  for (const job of [unreachable, answering]) {
    const res = await call('POST', '/jobs', job);
    assert.equal(res.status, 201, res.text);
    created.push(res.text);
  }
  assert.deepEqual(JSON.parse(created[1]!).job.kwargs.headers, { Authorization: '***', 'X-Api-Key': '***', Accept: 'application/json' }, 'the create answers the job redacted');

  const runs = [await runAndWait(unreachable.job_id), await runAndWait(answering.job_id)];
  assert.equal(target.seen.length, 1, 'the answering job reached the server');
  assert.equal(target.seen[0]!.headers.authorization, 'Bearer CANARYBEARER2', 'the server got the real Authorization header');
  assert.equal(target.seen[0]!.headers['x-api-key'], 'CANARYXKEY');
  assert.equal(target.seen[0]!.url, '/hook?api_key=CANARYKEY2&page=1');

  // An update that sends the job back as it was shown, one field changed, keeps the stored secrets.
  const shown = (await call('GET', `/jobs/${answering.job_id}`)).json.job;
  const patched = await call('PATCH', `/jobs/${answering.job_id}`, { kwargs: { ...shown.kwargs, timeout: '6s' } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.job.kwargs.timeout, '6s');
  runs.push(await runAndWait(answering.job_id));
  assert.equal(target.seen.length, 2);
  assert.equal(target.seen[1]!.headers.authorization, 'Bearer CANARYBEARER2', 'the update kept the real header');
  assert.equal(target.seen[1]!.url, '/hook?api_key=CANARYKEY2&page=1', 'the update kept the real URL');

  const stored = await database.db.selectFrom('jobs').select(['job_id', 'kwargs']).where('job_id', 'in', [unreachable.job_id, answering.job_id]).orderBy('job_id').execute();
  assert.equal((stored[0]!.kwargs as any).headers.Authorization, 'Bearer CANARYBEARER2', 'the stored job keeps what it needs to run');

  // Every view a person or a program reads.
  const views: Array<[string, string]> = created.map((text, i) => [`the answer to POST /jobs #${i + 1}`, text]);
  views.push(['PATCH answer', patched.text]);
  for (const path of ['/jobs', `/jobs/${unreachable.job_id}`, `/jobs/${answering.job_id}`, `/jobs/${answering.job_id}/runs`, '/failures', '/audit', '/runs']) {
    const res = await call('GET', path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    views.push([`GET ${path}`, res.text]);
  }
  const failures = (await call('GET', '/failures')).json.failures as Array<{ failure_id: string; message: string; kwargs: any }>;
  assert.equal(failures.length, 3, 'each failed attempt has its failure row');
  for (const runId of runs) views.push([`GET /runs/${runId}`, (await call('GET', `/runs/${runId}`)).text]);
  const audit = (await call('GET', '/audit')).json;
  assert.ok(audit.total >= 3, 'the creates and the update are audited');
  for (const args of [['jobs', 'show', answering.job_id], ['jobs', 'show', unreachable.job_id], ['failures', 'show', failures[0]!.failure_id], ['runs', 'show', runs[0]!]]) {
    const out = await bosun(base, args, { BOSUN_TOKEN: token });
    assert.equal(out.code, 0, `bosun ${args.join(' ')}: ${out.stderr}`);
    views.push([`bosun ${args.join(' ')}`, out.stdout + out.stderr]);
  }
  // What the redaction shows instead, so a view that lost the fields entirely would not pass.
  const failed = failures.find((f) => f.kwargs.url.includes('hook'))!;
  assert.match(failed.message, /api_key=\*\*\*&page=1/);
  assert.equal(failed.kwargs.headers.Authorization, '***');
  assert.ok(failures.some((f) => f.kwargs.url.startsWith('http://user:***@127.0.0.1:')), JSON.stringify(failures.map((f) => f.kwargs.url)));

  app.child.kill('SIGTERM');
  await app.waitForLine((l) => l.msg === 'stopped', 30_000);
  views.push(['the service log (debug level)', app.output()]);

  for (const [where, text] of views) {
    for (const canary of CANARIES) {
      const at = text.indexOf(canary);
      assert.equal(at, -1, `${canary} appears in ${where}: …${text.slice(Math.max(0, at - 200), at + 100)}…`);
    }
  }
});
