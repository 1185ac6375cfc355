// Seed 000 (NDScheduler / GroundControl): its clients' calls, with the bodies of NDScheduler's
// `ndscheduler/server/handlers/README.md` verbatim where they are JSON, against the real API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { BUILTIN_HANDLERS_DIR } from '../../../src/handlers/registry.ts';
import { apiHarness } from '../api/harness.ts';

const SAMPLE_JOBS = fileURLToPath(new URL('./ndscheduler-jobs/', import.meta.url));
const h = await apiHarness({ handlerDirs: [BUILTIN_HANDLERS_DIR, SAMPLE_JOBS], audited: true });
const job = async (id: string) => (await h.call('GET', `/jobs/${id}`, { who: 'alice' })).json.job as Record<string, unknown>;
/** The cron expression a job's schedule was normalised to. */
const expression = (j: Record<string, unknown>) => (j.schedule as { expression?: string }).expression;

// README, "Run it NOW": the curl body.
const RUN_IT_NOW = '{"job_class_string": "simple_scheduler.jobs.sample_job.AwesomeJob", "name": "My first job", "pub_args": ["arg1", 2], "trigger": "cron", "trigger_params": {"minute": "*/1"}}';
// README, "Create a new job", data params of a cron job and of an interval job: verbatim, their
// `pub_args` is not JSON (`["arg1": 1, "arg2": 2]`); what they mean is an object of arguments.
const CRON_JOB_VERBATIM = `{
            "job_class_string": "simple_scheduler.jobs.clean_apns.CleanAPNsJob",
            "name": "Clean APNs",
            "pub_args": ["arg1": 1, "arg2": 2],
            "trigger": "cron",
            "trigger_params": {
              "month": "*",
              "day_of_week": "*",
              "day": "*",
              "hour": "*/1",
              "minute": "*"}
        }`;
const meant = (verbatim: string) => verbatim.replace('["arg1": 1, "arg2": 2]', '{"arg1": 1, "arg2": 2}');
const INTERVAL_JOB = meant(`{
            "job_class_string": "simple_scheduler.jobs.clean_apns.CleanAPNsJob",
            "name": "Clean APNs",
            "pub_args": ["arg1": 1, "arg2": 2],
            "trigger": "interval",
            "trigger_params": {
              "interval": 3600}
        }`);

test("README's create bodies: 201 {job_id}, a 32-hex id, the job named, its class a handler, NDScheduler's defaults", async () => {
  const created = await h.call('POST', '/jobs', { who: 'alice', raw: RUN_IT_NOW });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(Object.keys(created.json), ['job_id']);
  const id = created.json.job_id as string;
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(created.res.headers.get('location'), `/api/v1/jobs/${id}`);
  const j = await job(id);
  assert.deepEqual([j.name, j.handler, j.kwargs, expression(j), j.max_instances, j.misfire_grace_time, j.owner], ['My first job', 'awesome', { args: ['arg1', 2] }, '*/1 * * * *', 3, '1 hour', 'alice']);

  const verbatim = await h.call('POST', '/jobs', { who: 'alice', raw: CRON_JOB_VERBATIM });
  assert.equal(verbatim.status, 400, 'the README body as printed is not JSON: a 400, never a 500');
  assert.match(String(verbatim.json.detail), /not valid JSON/);

  const cron = await h.call('POST', '/jobs', { who: 'alice', raw: meant(CRON_JOB_VERBATIM) });
  assert.equal(cron.status, 201, cron.text);
  const c = await job(cron.json.job_id as string);
  assert.deepEqual([c.handler, c.kwargs, expression(c)], ['clean-apns', { arg1: 1, arg2: 2 }, '* */1 * * *']);

  const interval = await h.call('POST', '/jobs', { who: 'alice', raw: INTERVAL_JOB });
  assert.equal(interval.status, 201, interval.text);
  const i = await job(interval.json.job_id as string);
  assert.equal(i.periodically, 3600);
  const next = Date.parse(i.next_run_at as string) - Date.now();
  assert.ok(next > 3_590_000 && next <= 3_600_000, `the first run one interval from now, as APScheduler's IntervalTrigger: ${next} ms`);

  // bosun's own body on the same route is answered as before.
  const own = await h.call('POST', '/jobs', { who: 'alice', body: { handler: 'noop', name: 'own', periodically: '1 hour' } });
  assert.equal(own.status, 201, own.text);
  assert.equal((own.json.job as Record<string, unknown>).name, 'own');
});

test('cron fields: the older flat form, APScheduler filling the fields left out, day_of_week counted from Monday', async () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['flat form, every five minutes', { minute: '*/5', hour: '*', day: '*', month: '*', day_of_week: '*' }, '*/5 * * * *'],
    ['flat form, only the hour: at minute 0', { hour: '3' }, '0 3 * * *'],
    ['numbers as JSON numbers', { minute: 30, hour: 9 }, '30 9 * * *'],
    ['only the weekday: midnight', { day_of_week: 'mon' }, '0 0 * * mon'],
    ['weekdays 0-4 are Monday to Friday', { minute: '0', hour: '9', day_of_week: '0-4' }, '0 9 * * mon,tue,wed,thu,fri'],
    ['weekday 6 is Sunday', { minute: '0', day_of_week: '6' }, '0 * * * sun'],
    ['month only: the 1st at midnight', { month: '6' }, '0 0 1 6 *'],
  ];
  for (const [name, fields, cron] of cases) {
    const r = await h.call('POST', '/jobs', { who: 'alice', body: { job_class_string: 'AwesomeJob', name, ...fields } });
    assert.equal(r.status, 201, `${name}: ${r.text}`);
    assert.equal(expression(await job(r.json.job_id as string)), cron, name);
    const nested = await h.call('POST', '/jobs', { who: 'alice', body: { job_class_string: 'AwesomeJob', name, trigger: 'cron', trigger_params: fields } });
    assert.equal(expression(await job(nested.json.job_id as string)), cron, `${name} (trigger_params)`);
  }
});

test('refusals name the field: job_class_string and name required, unknown classes and fields, no trigger', async () => {
  const cases: Array<[Record<string, unknown>, number, string]> = [
    [{ name: 'x', trigger: 'interval', trigger_params: { interval: 60 } }, 400, 'job_class_string'],
    [{ job_class_string: 'AwesomeJob', trigger: 'interval', trigger_params: { interval: 60 } }, 400, 'name'],
    [{ job_class_string: 'AwesomeJob', name: '', trigger: 'interval', trigger_params: { interval: 60 } }, 400, 'name'],
    [{ job_class_string: 'simple_scheduler.jobs.nothing.NothingJob', name: 'x', minute: '1' }, 404, 'job_class_string'],
    [{ job_class_string: 'AwesomeJob', name: 'x' }, 400, 'trigger'],
    [{ job_class_string: 'AwesomeJob', name: 'x', trigger_params: { minute: '1' } }, 400, 'trigger'],
    [{ job_class_string: 'AwesomeJob', name: 'x', trigger: 'cron', trigger_params: { week: '1' } }, 400, 'trigger_params.week'],
    [{ job_class_string: 'AwesomeJob', name: 'x', trigger: 'interval', trigger_params: { interval: 0 } }, 400, 'trigger_params.interval'],
    [{ job_class_string: 'AwesomeJob', name: 'x', trigger: 'hourly', trigger_params: {} }, 400, 'trigger'],
    [{ job_class_string: 'AwesomeJob', name: 'x', trigger: 'cron', trigger_params: { minute: '99' } }, 400, 'cron'],
    [{ job_class_string: 'AwesomeJob', name: 'x', trigger: 'cron', trigger_params: { day: '1', day_of_week: 'mon' } }, 400, 'cron.day_of_week'],
    [{ job_class_string: 'AwesomeJob', name: 'x', minute: '1', coalesce: true }, 400, 'coalesce'],
    [{ job_class_string: 'AwesomeJob', name: 'x', minute: '1', pub_args: 'arg' }, 400, 'pub_args'],
    [{ job_class_string: 'AwesomeJob', name: 'x', trigger: 'cron', trigger_params: { minute: '1', timezone: 'Mars/Base' } }, 400, 'timezone'],
    [{ job_class_string: 'AwesomeJob', name: 'x', trigger: 'cron', trigger_params: { minute: '1', timezone: 5 } }, 400, 'timezone'],
    [{ job_class_string: 'AwesomeJob', name: 'x'.repeat(201), minute: '1' }, 400, 'name'],
    [{ job_class_string: 'AwesomeJob', name: 'x', minute: '1', max_instances: 0 }, 400, 'max_instances'],
  ];
  for (const [body, status, field] of cases) {
    const r = await h.call('POST', '/jobs', { who: 'alice', body });
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.field, field, JSON.stringify(body));
  }
});

test('a job class that runs programs is the command handler, and needs its grant', async () => {
  const body = { job_class_string: 'simple_scheduler.jobs.shell_job.ShellJob', name: 'Shell', pub_args: ['echo', 'hello'], trigger: 'cron', trigger_params: { minute: '*/1' } };
  const refused = await h.call('POST', '/jobs', { who: 'alice', body });
  assert.equal(refused.status, 403, refused.text);
  const created = await h.call('POST', '/jobs', { who: 'admin', body });
  assert.equal(created.status, 201, created.text);
  const j = (await h.call('GET', `/jobs/${created.json.job_id}`, { who: 'admin' })).json.job as Record<string, unknown>;
  assert.deepEqual([j.handler, (j.kwargs as Record<string, unknown>).command], ['command', ['echo', 'hello']]);
  // Changing a job to one a token may not use is refused the same way.
  const mine = await h.call('POST', '/jobs', { who: 'alice', raw: RUN_IT_NOW });
  assert.equal((await h.call('PUT', `/jobs/${mine.json.job_id}`, { who: 'alice', body })).status, 403);
  assert.equal((await job(mine.json.job_id as string)).handler, 'awesome');
});

test('PUT with a body modifies, PATCH without one pauses, OPTIONS resumes; a CORS preflight changes nothing', async () => {
  const id = (await h.call('POST', '/jobs', { who: 'alice', raw: RUN_IT_NOW })).json.job_id as string;
  const put = await h.call('PUT', `/jobs/${id}`, { who: 'alice', raw: INTERVAL_JOB });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { job_id: id });
  let j = await job(id);
  assert.deepEqual([j.name, j.handler, j.kwargs, j.periodically, j.cron, j.max_instances], ['Clean APNs', 'clean-apns', { arg1: 1, arg2: 2 }, 3600, null, 3]);

  const patch = await h.call('PATCH', `/jobs/${id}`, { who: 'alice', headers: { 'content-length': '0' } });
  assert.equal(patch.status, 200, patch.text);
  assert.deepEqual(patch.json, { job_id: id });
  assert.equal((await job(id)).state, 'paused');

  const preflight = await h.call('OPTIONS', `/jobs/${id}`, { who: 'alice', headers: { 'access-control-request-method': 'OPTIONS', origin: 'http://evil.example' } });
  assert.equal(preflight.status, 204);
  assert.match(preflight.res.headers.get('allow') ?? '', /OPTIONS/);
  const crossSite = await h.call('OPTIONS', `/jobs/${id}`, { who: 'alice', headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
  assert.equal(crossSite.status, 403, 'an OPTIONS that resumes is a write: refused from another site');
  assert.equal((await h.call('OPTIONS', `/jobs/${id}`, {})).status, 401, 'and needs a token');
  assert.equal((await h.call('OPTIONS', `/jobs/${id}`, { who: 'bob' })).status, 404, "another user's job is not found");
  assert.equal((await job(id)).state, 'paused', 'none of them resumed it');

  const options = await h.call('OPTIONS', `/jobs/${id}`, { who: 'alice' });
  assert.equal(options.status, 200, options.text);
  assert.deepEqual(options.json, { job_id: id });
  j = await job(id);
  assert.equal(j.state, 'running');

  // bosun's own forms on the same routes stay as they were.
  assert.equal((await h.call('PUT', `/jobs/${id}?state=paused`, { who: 'alice' })).json.job !== undefined, true);
  assert.equal((await h.call('PATCH', `/jobs/${id}`, { who: 'alice', body: { description: 'd' } })).status, 200);
  assert.equal((await h.call('PUT', `/jobs/${id}`, { who: 'alice' })).json.field, 'state');
  assert.equal((await h.call('PUT', `/jobs/${id}`, { who: 'alice', body: { handler: 'noop' } })).status, 400);
  const deleted = await h.call('DELETE', `/jobs/${id}`, { who: 'alice' });
  assert.deepEqual(deleted.json, { removed: [id], job_id: id });
});

test('a job addressed by its name when it is unique; an ambiguous name is an error naming the jobs', async () => {
  const make = async (name: string) => (await h.call('POST', '/jobs', { who: 'alice', body: { job_class_string: 'AwesomeJob', name, minute: '*/1' } })).json.job_id as string;
  const unique = await make('CronMetric_RecEff_v2');
  const twins = [await make('Test3 Job'), await make('Test3 Job')];
  // GroundControl's UpdateJob by name: new arguments and cron time for the job of that name.
  const update = { job_class_string: 'AwesomeJob', name: 'CronMetric_RecEff_v2', pub_args: ['RecEff_NewFile.log'], minute: '0', hour: '*/1', day: '*', month: '*', day_of_week: '*' };
  const put = await h.call('PUT', '/jobs?name=CronMetric_RecEff_v2', { who: 'alice', body: update });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { job_id: unique });
  assert.deepEqual([expression(await job(unique)), (await job(unique)).kwargs], ['0 */1 * * *', { args: ['RecEff_NewFile.log'] }]);

  const ambiguous = await h.call('PUT', '/jobs?name=Test3%20Job', { who: 'alice', body: { ...update, name: 'Test3 Job' } });
  assert.equal(ambiguous.status, 409);
  assert.equal(ambiguous.json.field, 'name');
  assert.match(String(ambiguous.json.detail), /job name 'Test3 Job' is not unique/);
  for (const id of twins) assert.match(String(ambiguous.json.detail), new RegExp(id));
  assert.equal((await h.call('DELETE', '/jobs?name=Test3%20Job', { who: 'alice' })).status, 409);
  assert.equal((await h.call('DELETE', '/jobs?name=nobody', { who: 'alice' })).status, 404);
  assert.equal((await h.call('DELETE', '/jobs?name=CronMetric_RecEff_v2', { who: 'bob' })).status, 404, "another user's job has no name for them");

  const deleted = await h.call('DELETE', '/jobs?name=CronMetric_RecEff_v2', { who: 'alice' });
  assert.deepEqual(deleted.json, { job_id: unique, removed: [unique] });
  assert.equal((await h.call('GET', `/jobs/${unique}`, { who: 'alice' })).status, 404);
});

test('executions: run now answers {execution_id}; read alone and in a time range, in NDScheduler\'s fields; the audit log as /logs', async () => {
  const before = new Date(Date.now() - 1000).toISOString();
  const id = (await h.call('POST', '/jobs', { who: 'alice', raw: RUN_IT_NOW })).json.job_id as string;
  const run = await h.call('POST', `/executions/${id}`, { who: 'alice' });
  assert.equal(run.status, 200, run.text);
  const executionId = run.json.execution_id as string;
  assert.match(executionId, /^[0-9a-f-]{36}$/);

  const one = await h.call('GET', `/executions/${executionId}`, { who: 'alice' });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.execution_id, executionId);
  assert.ok(['scheduled', 'running'].includes(one.json.state as string), String(one.json.state));
  assert.deepEqual(one.json.job, { job_id: id, name: 'My first job', job_class_string: 'awesome', pub_args: ['arg1', 2], trigger: 'cron', trigger_params: { minute: '*/1', hour: '*', day: '*', month: '*', day_of_week: '*' }, next_run_time: (await job(id)).next_run_at });
  for (const field of ['hostname', 'pid', 'task_id', 'description', 'scheduled_time', 'updated_time']) assert.ok(field in one.json, field);
  assert.equal((await h.call('GET', `/executions/${executionId}`, { who: 'bob' })).status, 404);
  assert.equal((await h.call('POST', `/executions/${id}`, { who: 'bob' })).status, 404);

  const end = new Date(Date.now() + 1000).toISOString();
  const listed = await h.call('GET', `/executions?time_range_start=${before}&time_range_end=${end}`, { who: 'alice' });
  assert.equal(listed.status, 200, listed.text);
  const executions = listed.json.executions as Array<Record<string, unknown>>;
  assert.ok(executions.some((e) => e.execution_id === executionId));
  assert.equal(listed.json.truncated, false);
  const earlier = await h.call('GET', '/executions?time_range_start=2015-12-19T00:31:50.313Z&time_range_end=2015-12-19T01:31:50.313Z', { who: 'alice' });
  assert.deepEqual(earlier.json, { executions: [], truncated: false });
  assert.equal((await h.call('GET', `/executions?time_range_start=${before}&time_range_end=${end}`, { who: 'bob' })).json.executions instanceof Array, true);
  assert.deepEqual((await h.call('GET', `/executions?time_range_start=${before}&time_range_end=${end}`, { who: 'bob' })).json.executions, [], "bob sees none of alice's");
  const limited = await h.call('GET', `/executions?time_range_start=${before}&time_range_end=${end}&limit=1`, { who: 'admin' });
  assert.equal((limited.json.executions as unknown[]).length, 1);
  const refused = [
    ['time_range_start=yesterday', 'time_range_start'],
    ['time_range_start=0000-01-01T00:00:00Z', 'time_range_start'],
    ['time_range_end=10000-01-01T00:00:00Z', 'time_range_end'],
    [`time_range_start=${end}&time_range_end=${before}`, 'time_range_start'],
    ['limit=5000', 'limit'],
  ];
  for (const [query, field] of refused) {
    const bad = await h.call('GET', `/executions?${query}`, { who: 'alice' });
    assert.equal(bad.status, 400, query);
    assert.equal(bad.json.field, field, query);
  }

  await h.call('PATCH', `/jobs/${id}`, { who: 'alice' });
  await h.call('OPTIONS', `/jobs/${id}`, { who: 'alice' });
  const logs = await h.call('GET', `/logs?time_range_start=${before}&time_range_end=${new Date(Date.now() + 1000).toISOString()}`, { who: 'alice' });
  assert.equal(logs.status, 200, logs.text);
  const mine = (logs.json.logs as Array<Record<string, unknown>>).filter((l) => l.job_id === id);
  assert.deepEqual(mine.map((l) => l.event).sort(), ['added', 'custom_run', 'paused', 'resumed']);
  for (const l of mine) assert.deepEqual([l.job_name, l.user], ['My first job', 'alice']);
  assert.equal(mine.find((l) => l.event === 'custom_run')!.description, executionId);
});
