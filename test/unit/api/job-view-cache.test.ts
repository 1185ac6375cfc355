// JobViewCache: a view is found only under the version it was rendered from, and at most `size`
// are kept, the oldest rendered going first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobViewCache } from '../../../src/api/job-view-cache.ts';
import { jobView } from '../../../src/api/job-view.ts';
import { parseSchedule, type ScheduleInput } from '../../../src/schedule/index.ts';
import type { Job } from '../../../src/jobs/job.ts';

const NOW = new Date('2030-06-01T12:00:00Z');
function job(jobId: string, description: string | null = null): Job {
  const input = { periodically: '1 day', when: '2031-01-01T00:00:00Z' } as ScheduleInput;
  return {
    job_id: jobId, handler: 'noop', kwargs: {}, description, schedule_input: input, schedule: parseSchedule(input, NOW), state: 'running', overlap: 'skip',
    timeout_ms: null, retries: 0, retry_delay_ms: 0, retry_backoff: false, owner: null, source: 'api',
    created_at: NOW, updated_at: NOW, next_run_at: NOW, last_run_at: null, last_run_status: null, run_count: 0,
  } as unknown as Job;
}

test('a view is the JSON of jobView, found under its version only', () => {
  const cache = new JobViewCache(10);
  const json = cache.render(job('a'), '100');
  assert.equal(json, JSON.stringify(jobView(job('a'))));
  assert.equal(cache.get('a', '100'), json);
  assert.equal(cache.get('a', '101'), undefined);
  assert.equal(cache.get('b', '100'), undefined);
  // A newer version replaces the older one.
  cache.render(job('a', 'changed'), '101');
  assert.equal(cache.get('a', '100'), undefined);
  assert.match(cache.get('a', '101')!, /"description":"changed"/);
});

test('at most size views are kept, the oldest rendered dropped first; size 0 keeps none', () => {
  const rows: Array<[size: number, rendered: string[], kept: string[]]> = [
    [2, ['a', 'b', 'c'], ['b', 'c']],
    [2, ['a', 'b', 'a', 'c'], ['a', 'c']], // a re-rendered is newer than b
    [3, ['a', 'b'], ['a', 'b']],
    [0, ['a', 'b'], []],
  ];
  for (const [size, rendered, kept] of rows) {
    const cache = new JobViewCache(size);
    for (const id of rendered) cache.render(job(id), '1');
    const found = ['a', 'b', 'c'].filter((id) => cache.get(id, '1') !== undefined);
    assert.deepEqual(found, kept, `${size}: ${rendered.join(' ')}`);
  }
});
