// The Bayesian core jobs service (seed 003) as its users call it, from its own examples: the
// README's `when`, its curl, its failed-jobs calls, and openapi.yaml's selective-flow example.
// A real service and the real `bosun` CLI, each a child process, over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { bosun, ROOT, startService } from '../cli/cli-process.ts';
import { apiCaller, until } from './compat-http.ts';

const { url: base } = await startService();

// The README's example, verbatim: its body, and its `when` (which names the wrong weekday for most years).
const README_WHEN = 'Mon Feb 20, 14:56';
const README_BODY = {
  flow_arguments: [
    { ecosystem: 'npm', force: true, name: 'serve-static', version: '1.7.1' },
    { ecosystem: 'maven', force: true, name: 'net.iharder:base64', version: '2.3.9' },
  ],
  flow_name: 'bayesianFlow',
};

const call = apiCaller(base);

/** What dateutil makes of the README's `when` this year, and the warning bosun gives for it (none on a Monday). */
function readmeWhen(): { instant: Date; warnings: string[] | undefined } {
  const year = new Date().getUTCFullYear();
  const instant = new Date(Date.UTC(year, 1, 20, 14, 56));
  const day = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][instant.getUTCDay()];
  const warning = `when: '${README_WHEN}' says Monday, but Feb 20, ${year} is a ${day}; the weekday was ignored`;
  return { instant, warnings: day === 'Monday' ? undefined : [warning] };
}

const query = (fields: Record<string, string>) => `?${new URLSearchParams(fields)}`;

test("the README's `when` is read like dateutil; a periodic job starts at its first occurrence after creation", async () => {
  const { instant, warnings } = readmeWhen();
  const createdAt = Date.now();
  const periodic = await call('POST', `/jobs/flow-scheduling${query({ state: 'running', when: README_WHEN, periodically: '32m', misfire_grace_time: '1 hour' })}`, README_BODY);
  assert.equal(periodic.status, 201, JSON.stringify(periodic.json));
  assert.deepEqual(periodic.json.warnings, warnings);
  assert.equal(periodic.json.job.when, README_WHEN);
  // On the 32-minute rhythm from Feb 20, 14:56, and at or after creation: no run at once, however long the grace.
  const next = Date.parse(periodic.json.job.next_run_time);
  const rhythm = 32 * 60_000;
  assert.equal((next - instant.getTime()) % rhythm, 0);
  assert.ok(next >= createdAt - 1000 && next < Date.now() + rhythm, `next_run_time ${periodic.json.job.next_run_time}`);
  if (next > Date.now() + 2000) {
    const runs = await call('GET', `/jobs/${encodeURIComponent(periodic.json.job.job_id)}/runs`);
    assert.equal(runs.json.total, 0, 'nothing runs before its first occurrence');
  }

  // The same in POST /jobs, bosun's own form.
  const own = await call('POST', '/jobs', { handler: 'noop', when: README_WHEN, periodically: '1 day' });
  assert.equal(own.status, 201, JSON.stringify(own.json));
  assert.deepEqual(own.json.warnings, warnings);

  // A one-shot is still refused when that instant has passed (as before; it runs when it is ahead).
  const once = await call('POST', `/jobs/flow-scheduling${query({ state: 'paused', when: README_WHEN })}`, README_BODY);
  if (instant.getTime() < Date.now()) {
    assert.equal(once.status, 400, JSON.stringify(once.json));
    assert.equal(once.json.field, 'when');
    assert.match(once.json.detail ?? once.json.title, /'when' is in the past/);
  } else {
    assert.equal(once.status, 201, JSON.stringify(once.json));
  }
});

test("the README's curl, verbatim, creates the job with no warnings", async () => {
  const created = await call('POST', '/jobs/flow-scheduling?state=running', README_BODY);
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assert.equal(created.json.job.handler, 'flow-scheduling');
  assert.equal(created.json.warnings, undefined);
});

test('failed jobs: job_type=failed lists failure records in the seed shape, emptied by clean-failed; the CLI cannot reach them', async () => {
  const failing = await call('POST', '/jobs', {
    job_id: 'seed003-failing',
    handler: 'command',
    kwargs: { command: ['sh', '-c', 'echo no luck >&2; exit 3'], env: { API_TOKEN: 'hunter2-secret' } },
  });
  assert.equal(failing.status, 201, JSON.stringify(failing.json));
  // Other tests of this file fail jobs too: wait for this job's own record.
  const listed = await until('the failure record', async () => {
    const page = await call('GET', '/jobs?job_type=failed');
    return page.json.jobs.some((j: Record<string, unknown>) => j.failed_job_id === 'seed003-failing') ? page.json : undefined;
  });
  assert.deepEqual(Object.keys(listed).sort(), ['jobs', 'jobs_count', 'limit', 'offset', 'total']);
  const record = listed.jobs.find((j: Record<string, unknown>) => j.failed_job_id === 'seed003-failing');
  assert.ok(record, JSON.stringify(listed));
  assert.equal(record.failed_job_handler, 'command');
  assert.equal(typeof record.exc_str, 'string');
  assert.equal(record.exc_str, record.message);
  assert.equal(typeof record.exc_traceback, 'string');
  assert.equal(record.failed_handler_kwargs.env.API_TOKEN, '***');
  assert.ok(!JSON.stringify(listed).includes('hunter2-secret'), 'no secret in the failure listing');
  // bosun's own failure fields stay beside the seed's.
  assert.equal(record.job_id, 'seed003-failing');
  assert.equal(typeof record.failure_id, 'string');

  // Jobs whose last run failed are a filter of their own.
  const lastFailed = await call('GET', '/jobs?last_run_status=failed');
  assert.deepEqual(lastFailed.json.jobs.map((j: Record<string, unknown>) => j.job_id), ['seed003-failing']);
  assert.equal((await call('GET', '/jobs?job_type=failed&state=running')).status, 400);

  // `bosun jobs delete clean-failed` names no job: not found, and the failure records stay.
  const cli = await bosun(base, ['jobs', 'delete', 'clean-failed', '--yes']);
  assert.equal(cli.code, 3, cli.stdout + cli.stderr);
  assert.doesNotMatch(cli.stdout, /deleted/);
  assert.match(cli.stderr, /no job 'clean-failed'/);
  assert.equal((await call('GET', '/jobs?job_type=failed')).json.jobs_count, listed.jobs_count);
  // … and no job can take that id.
  const reserved = await call('POST', '/jobs', { job_id: 'clean-failed', handler: 'noop' });
  assert.equal(reserved.status, 400);

  const cleaned = await call('DELETE', '/jobs/clean-failed');
  assert.equal(cleaned.status, 200);
  assert.ok(cleaned.json.removed.includes(record.failure_id));
  const after = await call('GET', '/jobs?job_type=failed');
  assert.deepEqual([after.json.jobs, after.json.jobs_count], [[], 0]);
  assert.equal((await call('GET', '/jobs?last_run_status=failed')).json.jobs_count, 1, 'the job itself is not a failure record');
});

test("openapi.yaml's selective-flow example over flows/bayesian-flow.yaml succeeds; skipped steps' results are null", async () => {
  const spec = parse(await readFile(`${ROOT}/openapi.yaml`, 'utf8')) as Record<string, any>;
  const example = spec.paths['/jobs/selective-flow-scheduling'].post.requestBody.content['application/json'].example;
  assert.deepEqual([example.task_names, example.run_subsequent], [['analyse_licence'], true]);
  const created = await call('POST', '/jobs/selective-flow-scheduling?state=running', example);
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const run = await until('the selective flow run', async () => {
    const list = await call('GET', `/flow-runs?job_id=${encodeURIComponent(created.json.job.job_id)}`);
    const r = list.json.flow_runs[0];
    return r && r.status !== 'running' ? r : undefined;
  });
  const steps = (await call('GET', `/flow-runs/${run.flow_run_id}`)).json.flow_run.steps as Array<Record<string, any>>;
  const byId = Object.fromEntries(steps.map((s) => [s.step_id, s]));
  assert.deepEqual(Object.fromEntries(steps.map((s) => [s.step_id, s.status])), {
    fetch_metadata: 'skipped',
    analyse_dependencies: 'skipped',
    analyse_licence: 'succeeded',
    report: 'succeeded',
  }, JSON.stringify(steps));
  assert.equal(run.status, 'succeeded');
  assert.equal(byId.analyse_dependencies.result, null);
  assert.match(byId.report.result.stdout_tail, /^report for npm\/serve-static: \n?$/);
});
