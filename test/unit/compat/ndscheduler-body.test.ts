// NDScheduler's job body read into bosun's definition: the pure parts, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { BUILTIN_HANDLERS_DIR, loadHandlers } from '../../../src/handlers/registry.ts';
import { cronOfFields } from '../../../src/api/compat/ndscheduler/cron-trigger.ts';
import { handlerOfJobClass, kwargsOfPubArgs } from '../../../src/api/compat/ndscheduler/job-class.ts';
import { isNdschedulerJobBody, scheduleOfBody, type NdschedulerJobBody } from '../../../src/api/compat/ndscheduler/job-body.ts';
import { BosunError } from '../../../src/errors.ts';

const registry = await loadHandlers([BUILTIN_HANDLERS_DIR, fileURLToPath(new URL('../../integration/compat/ndscheduler-jobs/', import.meta.url))]);

test('cron fields left out are filled as APScheduler fills them', () => {
  const cases: Array<[Record<string, unknown>, Record<string, string> | undefined]> = [
    [{}, undefined],
    [{ minute: '*/1' }, { month: '*', day: '*', day_of_week: '*', hour: '*', minute: '*/1' }],
    [{ hour: 3 }, { month: '*', day: '*', day_of_week: '*', hour: '3', minute: '0' }],
    [{ day_of_week: 'mon' }, { month: '*', day: '*', day_of_week: 'mon', hour: '0', minute: '0' }],
    [{ month: 6 }, { month: '6', day: '1', day_of_week: '*', hour: '0', minute: '0' }],
    [{ second: '30' }, { month: '*', day: '*', day_of_week: '*', hour: '*', minute: '*', second: '30' }],
    [{ minute: '', hour: null, day: '5' }, { month: '*', day: '5', day_of_week: '*', hour: '0', minute: '0' }],
  ];
  for (const [fields, cron] of cases) assert.deepEqual(cronOfFields(fields, ''), cron, JSON.stringify(fields));
  assert.throws(() => cronOfFields({ minute: { every: 5 } }, 'trigger_params.'), (e: BosunError) => e.field === 'trigger_params.minute');
});

test('a job class names a handler: exact, by its last dotted part, without a Job suffix, or a sample job', () => {
  const cases: Array<[string, string | undefined]> = [
    ['command', 'command'],
    ['simple_scheduler.jobs.sample_job.AwesomeJob', 'awesome'],
    ['simple_scheduler.jobs.clean_apns.CleanAPNsJob', 'clean-apns'],
    ['FlowScheduling', 'flow-scheduling'],
    ['jobs.flow_scheduling.FlowSchedulingHandler', 'flow-scheduling'],
    ['simple_scheduler.jobs.shell_job.ShellJob', 'command'],
    ['simple_scheduler.jobs.curl_job.CurlJob', 'http'],
    ['simple_scheduler.jobs.nothing.NothingJob', undefined],
    ['Job', undefined],
    ['', undefined],
  ];
  for (const [jobClass, handler] of cases) {
    if (handler === undefined) assert.throws(() => handlerOfJobClass(jobClass, registry), (e: BosunError) => e.code === 'unknown-handler' && e.field === 'job_class_string', jobClass);
    else assert.equal(handlerOfJobClass(jobClass, registry), handler, jobClass);
  }
});

test('pub_args become kwargs: argv of command, curl arguments of http, args of any other handler', () => {
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    ['command', ['ls', '-l', 2], { command: ['ls', '-l', '2'] }],
    ['http', ['https://example.com/hook', 'post'], { url: 'https://example.com/hook', method: 'POST' }],
    ['http', ['https://example.com/hook', 'post', 10, '{"a":1}'], { url: 'https://example.com/hook', method: 'POST', timeout: 10, body: '{"a":1}' }],
    ['http', ['https://example.com/hook', 'put', null, { a: 1 }], { url: 'https://example.com/hook', method: 'PUT', json: { a: 1 } }],
    ['awesome', ['arg1', 2], { args: ['arg1', 2] }],
    ['awesome', [], {}],
    ['awesome', undefined, {}],
    ['clean-apns', { arg1: 1, arg2: 2 }, { arg1: 1, arg2: 2 }],
  ];
  for (const [handler, pubArgs, kwargs] of cases) assert.deepEqual(kwargsOfPubArgs(handler, pubArgs), kwargs, `${handler} ${JSON.stringify(pubArgs)}`);
  for (const [handler, pubArgs] of [['command', [{ a: 1 }]], ['http', [1, 2, 3, 4, 5]], ['awesome', 'arg']] as const) {
    assert.throws(() => kwargsOfPubArgs(handler, pubArgs), (e: BosunError) => e.field === 'pub_args', `${handler} ${JSON.stringify(pubArgs)}`);
  }
});

test("a body is NDScheduler's when it has a field only NDScheduler's job has", () => {
  const cases: Array<[unknown, boolean]> = [
    [{ job_class_string: 'X', name: 'n' }, true],
    [{ name: 'n', trigger: 'cron' }, true],
    [{ name: 'n', pub_args: [] }, true],
    [{ trigger_params: {} }, true],
    [{ handler: 'noop', name: 'n', cron: '* * * * *' }, false],
    [{ handler: 'noop', minute: '5' }, false],
    [[], false],
    [null, false],
  ];
  for (const [body, ours] of cases) assert.equal(isNdschedulerJobBody(body), ours, JSON.stringify(body));
});

test('a trigger is a cron object or an interval from now; every other schedule field is cleared', () => {
  const now = new Date('2026-02-20T14:56:00Z');
  const body = (extra: Record<string, unknown>) => ({ job_class_string: 'AwesomeJob', name: 'n', ...extra }) as NdschedulerJobBody;
  const interval = scheduleOfBody(body({ trigger: 'interval', trigger_params: { interval: '90' } }), now);
  assert.deepEqual([interval.periodically, interval.when, interval.cron, interval.rrule], [90, '2026-02-20T14:57:30.000Z', null, null]);
  assert.deepEqual(scheduleOfBody(body({ trigger: 'cron', trigger_params: { minute: '5', timezone: 'Europe/Paris' } }), now).timezone, 'Europe/Paris');
  assert.deepEqual(scheduleOfBody(body({ minute: '5' }), now).cron, { month: '*', day: '*', day_of_week: '*', hour: '*', minute: '5' });
  const refused: Array<[Record<string, unknown>, string]> = [
    [{}, 'trigger'],
    [{ trigger_params: { minute: '1' } }, 'trigger'],
    [{ trigger: 'cron' }, 'trigger_params'],
    [{ trigger: 'cron', trigger_params: { year: '2027' } }, 'trigger_params.year'],
    [{ trigger: 'interval', trigger_params: { interval: 'soon' } }, 'trigger_params.interval'],
    [{ trigger: 'interval', trigger_params: { interval: 60, minutes: 1 } }, 'trigger_params.minutes'],
  ];
  for (const [extra, field] of refused) assert.throws(() => scheduleOfBody(body(extra), now), (e: BosunError) => e.field === field, JSON.stringify(extra));
});
