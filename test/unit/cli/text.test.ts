import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFields, renderTable } from '../../../src/cli/table.ts';
import { absolute, parseInstant, relative, shortDuration } from '../../../src/cli/time-text.ts';
import { scheduleText, unwrapList, unwrapOne } from '../../../src/cli/api-shapes.ts';

const NOW = Date.parse('2025-02-20T14:56:00Z');

test('renderTable aligns columns, right-aligns numbers, clips long cells, flattens newlines', () => {
  const rows = [
    { id: 'a', n: 5, text: 'short' },
    { id: 'longer-id', n: 12345, text: 'x'.repeat(30) },
    { id: 'c', n: 1, text: 'two\nline' },
  ];
  const out = renderTable(
    [
      { header: 'id', value: (r: (typeof rows)[number]) => r.id },
      { header: 'n', value: (r) => String(r.n), align: 'right' },
      { header: 'text', value: (r) => r.text, max: 10 },
    ],
    rows,
  );
  assert.equal(out, ['ID             N  TEXT', 'a              5  short', 'longer-id  12345  xxxxxxxxx…', 'c              1  two ⏎ line', ''].join('\n'));
  assert.equal(renderTable([{ header: 'id', value: (r: { id: string }) => r.id }], [], 'no jobs'), 'no jobs\n');
});

test('renderFields aligns labels and drops empty values', () => {
  assert.equal(renderFields([['job', 'a'], ['description', null], ['kwargs', '{\n  "x": 1\n}'], ['state', '']]), 'job:     a\nkwargs:  {\n           "x": 1\n         }\n');
});

test('time text', () => {
  const rows: Array<[number, string]> = [
    [0, '0ms'],
    [850, '850ms'],
    [1234, '1.2s'],
    [42_000, '42s'],
    [60_000, '1m'],
    [61_000, '1m 1s'],
    [3_600_000, '1h'],
    [3_660_000, '1h 1m'],
    [90_061_000, '1d 1h'],
  ];
  for (const [ms, text] of rows) assert.equal(shortDuration(ms), text, String(ms));
  assert.equal(absolute('2025-02-20T14:56:00.000Z'), '2025-02-20 14:56:00Z');
  assert.equal(absolute(null), '');
  assert.equal(relative('2025-02-20T15:01:00Z', NOW), 'in 5m');
  assert.equal(relative('2025-02-20T12:56:00Z', NOW), '2h ago');
  assert.equal(relative('2025-02-20T14:56:00.300Z', NOW), 'now');
});

test('parseInstant reads ages and dates, and refuses the rest', () => {
  const rows: Array<[string, string | null]> = [
    ['30m', '2025-02-20T14:26:00.000Z'],
    ['2h', '2025-02-20T12:56:00.000Z'],
    ['7d', '2025-02-13T14:56:00.000Z'],
    ['1w', '2025-02-13T14:56:00.000Z'],
    ['2025-01-01T00:00:00Z', '2025-01-01T00:00:00.000Z'],
    ['2025-01-01T02:00:00+02:00', '2025-01-01T00:00:00.000Z'],
    ['yesterday-ish', null],
    ['5 parsecs', null],
  ];
  for (const [input, expected] of rows) assert.equal(parseInstant(input, NOW), expected, input);
});

test('api shapes: envelopes unwrap, schedules read as words', () => {
  assert.deepEqual(unwrapList([{ job_id: 'a' }], 'jobs'), { items: [{ job_id: 'a' }], total: undefined });
  assert.deepEqual(unwrapList({ jobs: [], jobs_count: 7 }, 'jobs'), { items: [], total: 7 });
  assert.throws(() => unwrapList({ nope: 1 }, 'jobs'), /expected a list of jobs/);
  assert.deepEqual(unwrapOne({ job: { job_id: 'a' } }, 'job', 'job_id'), { job_id: 'a' });
  assert.deepEqual(unwrapOne({ job_id: 'a' }, 'job', 'job_id'), { job_id: 'a' });
  assert.throws(() => unwrapOne([], 'job', 'job_id'), /expected a job/);
  assert.equal(scheduleText({ job_id: 'a', schedule_description: 'every 5 hours from 14:56 UTC', periodically: '5:00:00' }), 'every 5 hours from 14:56 UTC');
  assert.equal(scheduleText({ job_id: 'a', periodically: '1 day', when: '2025-02-20T14:56:00Z' }), 'every 1 day from 2025-02-20T14:56:00Z');
  assert.equal(scheduleText({ job_id: 'a', schedule_input: { cron: '0 * * * *' } }), 'cron 0 * * * *');
  assert.equal(scheduleText({ job_id: 'a', when: '2025-02-20T14:56:00Z' }), 'once at 2025-02-20T14:56:00Z');
});
