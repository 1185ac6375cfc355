// jobView's schedule words are remembered by the schedule's JSON: equal schedules share them,
// different ones do not, and a schedule that cannot be described lists without words, each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobView } from '../../../src/api/job-view.ts';
import { describeSchedule, parseSchedule, type ScheduleInput } from '../../../src/schedule/index.ts';
import type { Job } from '../../../src/jobs/job.ts';

const NOW = new Date('2030-06-01T12:00:00Z');
function job(jobId: string, input: ScheduleInput, schedule = parseSchedule(input, NOW)): Job {
  return {
    job_id: jobId, handler: 'noop', kwargs: {}, description: null, schedule_input: input, schedule, state: 'running', overlap: 'skip',
    timeout_ms: null, retries: 0, retry_delay_ms: 0, retry_backoff: false, owner: null, source: 'api',
    created_at: NOW, updated_at: NOW, next_run_at: null, last_run_at: null, last_run_status: null, run_count: 0,
  } as unknown as Job;
}

test('schedule words: computed as describeSchedule does, for each distinct schedule', () => {
  const inputs: ScheduleInput[] = [
    { periodically: '1 day', when: '2031-01-01T00:00:00Z' },
    { periodically: '5 hours', when: '2031-01-01T00:00:00Z' },
    { cron: '30 3 * * 1-5', timezone: 'Europe/Paris' },
    { when: '2031-01-01T00:00:00Z' },
  ] as ScheduleInput[];
  for (let round = 0; round < 2; round++) {
    for (const [i, input] of inputs.entries()) {
      const j = job(`j${i}`, input);
      assert.equal(jobView(j).schedule_description, describeSchedule(j.schedule), JSON.stringify(input));
    }
  }
  assert.notEqual(jobView(job('a', inputs[0]!)).schedule_description, jobView(job('b', inputs[1]!)).schedule_description);
});

test('a schedule that cannot be described lists without words, also when asked again', () => {
  const odd = job('odd', { periodically: '1 day' } as ScheduleInput, { kind: 'once', at: '2031-01-01T00:00:00Z', timezone: 'No/Such_Zone' } as never);
  assert.throws(() => describeSchedule(odd.schedule));
  for (let i = 0; i < 2; i++) assert.equal('schedule_description' in jobView(odd), false);
});
