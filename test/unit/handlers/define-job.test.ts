import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BaseHandler, type HandlerClass, type HandlerDefaults, type JsonSchema } from '../../../src/handlers/base-handler.ts';
import { registryOf } from '../../../src/handlers/registry.ts';
import { defineJob } from '../../../src/jobs/define-job.ts';
import { BosunError } from '../../../src/errors.ts';
import type { JobDefinition } from '../../../src/jobs/job.ts';

class Ping extends BaseHandler {
  static override name = 'ping';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: { url: { type: 'string' }, tries: { type: 'integer', default: 1 } },
  };
  static override defaults: HandlerDefaults = { timeout: '30s', retries: 2, retry_delay: '10s', retry_backoff: true, misfire_grace_time: '5m' };
  override async execute() {
    return null;
  }
}

const registry = registryOf([Ping as unknown as HandlerClass]);
const now = new Date('2026-03-02T10:00:00Z');
const define = (input: Record<string, unknown>) => defineJob(input, { registry, now, source: 'api', owner: 'alice' });
const base = { handler: 'ping', kwargs: { url: 'http://x' } };

const good: Array<[string, Record<string, unknown>, Partial<JobDefinition> | ((d: JobDefinition) => void)]> = [
  ['handler defaults and kwargs defaults', { ...base, job_id: 'a' }, {
    job_id: 'a', handler: 'ping', kwargs: { url: 'http://x', tries: 1 }, state: 'running', overlap: 'skip',
    timeout_ms: 30_000, retries: 2, retry_delay_ms: 10_000, retry_backoff: 2, owner: 'alice', source: 'api', description: null,
  }],
  ['class-style handler name is stored as the name', { ...base, handler: 'Ping' }, { handler: 'ping' }],
  ['generated job_id is a UUID', base, (d) => assert.match(d.job_id, /^[0-9a-f-]{36}$/)],
  ['empty job_id is generated too', { ...base, job_id: '' }, (d) => assert.match(d.job_id, /^[0-9a-f-]{36}$/)],
  ['job_id with every allowed character', { ...base, job_id: 'team@x:daily/npm-1.2_3' }, { job_id: 'team@x:daily/npm-1.2_3' }],
  ['state active is running', { ...base, state: 'active' }, { state: 'running' }],
  ['state paused', { ...base, state: 'paused' }, { state: 'paused' }],
  ['job overrides handler defaults', { ...base, timeout: '1 minute', retries: 0, retry_delay: 0, retry_backoff: false }, { timeout_ms: 60_000, retries: 0, retry_delay_ms: 0, retry_backoff: 1 }],
  ['retry_backoff as a factor (simplejob)', { ...base, retry_backoff: 3 }, { retry_backoff: 3 }],
  ['retry_backoff factor 1.5', { ...base, retry_backoff: 1.5 }, { retry_backoff: 1.5 }],
  ['overlap', { ...base, overlap: 'queue' }, { overlap: 'queue' }],
  ['periodically keeps the raw input', { ...base, periodically: '5:00:00', when: null, misfire_grace_time: '1 hour' }, (d) => {
    assert.deepEqual(d.schedule_input, { periodically: '5:00:00', misfire_grace_time: '1 hour' });
    assert.equal(d.schedule.kind, 'interval');
    assert.equal(d.schedule.misfireGraceMs, 3_600_000);
  }],
  ['handler misfire default applies, unrecorded as input', { ...base, cron: '0 9 * * *' }, (d) => {
    assert.deepEqual(d.schedule_input, { cron: '0 9 * * *' });
    assert.equal(d.schedule.misfireGraceMs, 300_000);
  }],
  ['no schedule runs once now', base, (d) => assert.deepEqual([d.schedule.kind, (d.schedule as { at: string }).at], ['once', now.toISOString()])],
  ['description', { ...base, description: 'pings' }, { description: 'pings' }],
];
for (const [name, input, expected] of good) {
  test(`defineJob: ${name}`, () => {
    const def = define(input);
    if (typeof expected === 'function') expected(def);
    else for (const [key, value] of Object.entries(expected)) assert.deepEqual(def[key as keyof JobDefinition], value, key);
  });
}

const bad: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ['unknown field', { ...base, periodicaly: '1 day' }, 'periodicaly', /unknown field 'periodicaly'/],
  ['missing handler', { kwargs: {} }, 'handler', /handler is required/],
  ['handler not a string', { handler: 3 }, 'handler', /must be a string/],
  ['unknown handler', { handler: 'pong' }, 'handler', /unknown handler 'pong'.*ping/],
  ['bad kwargs', { handler: 'ping', kwargs: { url: 1 } }, 'kwargs.url', /kwargs\.url must be string/],
  ['missing kwarg', { handler: 'ping' }, 'kwargs.url', /kwargs\.url is required/],
  ['job_id with a space', { ...base, job_id: 'daily job' }, 'job_id', /job_id "daily job" must be/],
  ['job_id with a leading space', { ...base, job_id: ' daily' }, 'job_id', /job_id/],
  ['job_id too long', { ...base, job_id: 'x'.repeat(201) }, 'job_id', /1 to 200/],
  ['job_id not a string', { ...base, job_id: 12 }, 'job_id', /must be a string/],
  ['state', { ...base, state: 'on' }, 'state', /'running'.*'paused'/],
  ['overlap', { ...base, overlap: 'maybe' }, 'overlap', /skip, queue, allow/],
  ['bad periodically', { ...base, periodically: 'often' }, 'periodically', /Unable to parse 'periodically'/],
  ['bad misfire_grace_time', { ...base, periodically: '1 day', misfire_grace_time: 'soon' }, 'misfire_grace_time', /misfire_grace_time/],
  ['two triggers', { ...base, periodically: '1 day', cron: '* * * * *' }, 'cron', /only one of/],
  ['past one-shot', { ...base, when: '2020-01-01T00:00:00Z' }, 'when', /in the past/],
  ['bad timeout', { ...base, timeout: 'forever' }, 'timeout', /timeout/],
  ['zero timeout', { ...base, timeout: 0 }, 'timeout', /longer than 0/],
  ['huge timeout', { ...base, timeout: '30 days' }, 'timeout', /24 days/],
  ['negative retries', { ...base, retries: -1 }, 'retries', /whole number/],
  ['fractional retries', { ...base, retries: 1.5 }, 'retries', /whole number/],
  ['retry_delay', { ...base, retry_delay: 'later' }, 'retry_delay', /retry_delay/],
  ['retry_backoff', { ...base, retry_backoff: 'yes' }, 'retry_backoff', /true, false or a factor from 1 to 10/],
  ['retry_backoff below 1', { ...base, retry_backoff: 0.5 }, 'retry_backoff', /from 1 to 10/],
  ['retry_backoff above 10', { ...base, retry_backoff: 11 }, 'retry_backoff', /from 1 to 10/],
  ['description', { ...base, description: 5 }, 'description', /text/],
];
for (const [name, input, field, message] of bad) {
  test(`defineJob refuses ${name} (field ${field})`, () => {
    assert.throws(
      () => define(input),
      (err: unknown) => {
        assert.ok(err instanceof BosunError, String(err));
        assert.equal(err.field, field);
        assert.match(err.message, message);
        return true;
      },
    );
  });
}
