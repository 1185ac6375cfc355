// A fuzz of the HTTP API: random and malformed bodies, query strings, headers and paths against
// a real bosun process. No 5xx, no crash, and no partial write: the only rows added are the jobs
// of requests that answered 201 (the service is paused, so nothing runs meanwhile). Every answer
// is one openapi.yaml declares: its status for that operation, and a body that fits the schema.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/database.ts';
import { isAlive } from '../helpers/process.ts';
import { call, report, sqlClient, startInstance, type Instance } from './cluster.ts';
import { fuzzRequest, random, seed } from './fuzz-input.ts';
import { specChecker } from './spec-conformance.ts';

const REQUESTS = Number(process.env.RELIABILITY_FUZZ_REQUESTS ?? 3000);

test(`API fuzz: ${REQUESTS} random requests, no 5xx, no crash, no partial write, every answer as the spec says`, async () => {
  seed(Number(process.env.RELIABILITY_SEED ?? 20261122));
  const url = await createTestDatabase('bosun_rel_fuzz');
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) await i.kill();
  });
  const bosun = await startInstance(url);
  instances.push(bosun);
  assert.equal((await call(`${bosun.url}/service/state?state=paused`, 'PUT')).status, 200);
  // One existing job, so routes on a job id find something now and then.
  assert.equal((await call(`${bosun.url}/jobs`, 'POST', { job_id: 'fuzz-known', handler: 'noop', periodically: '1d', when: new Date(Date.now() + 86_400_000).toISOString() })).status, 201);

  const client = await sqlClient(url);
  after(() => client.end());
  const counts = async () => {
    const { rows } = await client.query<{ jobs: string; runs: string; failures: string }>(
      `select (select count(*) from jobs) as jobs, (select count(*) from runs) as runs, (select count(*) from failures) as failures`,
    );
    return { jobs: Number(rows[0]!.jobs), runs: Number(rows[0]!.runs), failures: Number(rows[0]!.failures) };
  };
  const before = await counts();

  const spec = specChecker((await (await fetch(`${bosun.url}/openapi.json`)).json()) as Record<string, unknown>);
  // What is off, once per kind (method, status and message without the request's own values).
  const offSpec = new Map<string, string>();
  const statuses = new Map<number, number>();
  const fiveHundreds: string[] = [];
  let created = 0;
  let deleted = 0;
  let runsStarted = 0;
  // run_id → job_id of every 202 run-now answer, and the job ids a DELETE answered 200 for.
  const startedRuns = new Map<string, string>();
  const deletedIds = new Set<string>();
  for (let i = 0; i < REQUESTS; i++) {
    const r = fuzzRequest(bosun.url);
    let status: number;
    let text: string;
    let contentType: string | null;
    try {
      const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(10_000) });
      status = res.status;
      contentType = res.headers.get('content-type');
      text = await res.text();
    } catch (err) {
      // A request fetch itself refuses to send (bad header value) is not the server's fault.
      if (err instanceof TypeError && !isAlive(bosun.pid)) throw err;
      if (err instanceof TypeError) continue;
      throw new Error(`${r.method} ${r.url}: ${(err as Error).message}`);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const off = spec.check(r.method, r.url, status, contentType, text);
    if (off !== undefined) offSpec.set(off.kind, `${off.detail.slice(0, 500)} (body sent: ${String(r.body ?? '').slice(0, 120)})`);
    if (status >= 500) fiveHundreds.push(`${status} ${r.method} ${r.url.slice(0, 200)} ${String(r.body ?? '').slice(0, 200)}`);
    if (status === 201 && r.method === 'POST') created++;
    const path = new URL(r.url).pathname;
    if (status === 200 && r.method === 'DELETE' && /\/jobs\/[^/]+$/.test(path) && !r.url.includes('clean-failed')) {
      deleted++;
      deletedIds.add(decodeURIComponent(path.split('/').pop()!));
    }
    if (status === 202) {
      runsStarted++;
      const run = (JSON.parse(text) as { run?: { run_id?: string; job_id?: string } }).run;
      assert.ok(run?.run_id && run.job_id, `a 202 answer names its run: ${text.slice(0, 300)}`);
      startedRuns.set(run.run_id, run.job_id);
    }
    if (random() < 0.002) assert.ok(isAlive(bosun.pid), 'bosun is alive');
  }
  const afterCounts = await counts();
  const { rows: runRows } = await client.query<{ run_id: string }>('select run_id from runs');
  const unexplainedRuns = runRows.filter((row) => !startedRuns.has(row.run_id)).length;
  // A run-now's row goes only with its job (deleting a job deletes its runs).
  const vanishedRuns = [...startedRuns].filter(([runId, jobId]) => !runRows.some((row) => row.run_id === runId) && !deletedIds.has(jobId)).length;
  const ready = await fetch(`${bosun.url}/readiness`);
  report('API fuzz', {
    requests: REQUESTS,
    statuses: [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(','),
    five_hundreds: fiveHundreds.length,
    jobs_before: before.jobs,
    jobs_after: afterCounts.jobs,
    created,
    deleted,
    runs_before: before.runs,
    runs_after: afterCounts.runs,
    runs_started: runsStarted,
    runs_unexplained: unexplainedRuns,
    runs_vanished: vanishedRuns,
    alive: String(isAlive(bosun.pid)),
    off_spec: offSpec.size,
  });
  if (fiveHundreds.length) console.log(`[reliability] API fuzz: first 5xx answers:\n${fiveHundreds.slice(0, 12).join('\n')}`);
  assert.deepEqual(fiveHundreds, [], 'no 5xx');
  assert.deepEqual([...offSpec.values()].slice(0, 20), [], 'every answer is one the spec declares');
  assert.ok(isAlive(bosun.pid), 'bosun survived');
  assert.equal(ready.status, 200, 'still ready');
  assert.equal(afterCounts.jobs, before.jobs + created - deleted, 'jobs rows = before + 201s - deletes');
  assert.equal(before.runs, 0);
  assert.equal(unexplainedRuns, 0, 'runs rows only from 202 run-now answers');
  assert.equal(vanishedRuns, 0, 'every 202 run-now answer left its run row (unless its job was deleted)');
  assert.equal(afterCounts.failures, before.failures, 'no failure rows');
});
