import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleInput } from '../../../src/schedule/index.ts';
import { latestDue } from '../../../src/schedule/index.ts';
import { firstN, parse } from './helpers.ts';

const cases: { name: string; input: ScheduleInput; from: string; expected: string[] }[] = [
  { name: 'interval skips nights and weekends (New York)',
    input: { periodically: '4 hours', when: '2026-02-20 00:00', timezone: 'America/New_York', window: { between: ['09:00', '17:00'], days: 'mon-fri' } },
    from: '2026-02-20T05:00:00Z',
    expected: ['2026-02-20T17:00:00.000Z', '2026-02-20T21:00:00.000Z', '2026-02-23T17:00:00.000Z', '2026-02-23T21:00:00.000Z'] },
  { name: 'end is exclusive', input: { periodically: '1 hour', when: '2026-03-02 00:00', window: { between: ['09:00', '11:00'] } },
    from: '2026-03-02T00:00:00Z', expected: ['2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z', '2026-03-03T09:00:00.000Z'] },
  { name: 'overnight window belongs to the day it opens', input: { cron: '0 * * * *', window: { between: ['23:00', '01:00'], days: ['fri'] } },
    from: '2026-02-20T00:00:00Z', expected: ['2026-02-20T23:00:00.000Z', '2026-02-21T00:00:00.000Z', '2026-02-27T23:00:00.000Z'] },
  { name: 'months only', input: { cron: '0 12 1 * *', window: { months: 'jun-aug' } },
    from: '2026-02-20T00:00:00Z', expected: ['2026-06-01T12:00:00.000Z', '2026-07-01T12:00:00.000Z', '2026-08-01T12:00:00.000Z', '2027-06-01T12:00:00.000Z'] },
  { name: 'rrule with weekend window', input: { rrule: 'FREQ=DAILY;BYHOUR=10', window: { days: 'weekends' } },
    from: '2026-02-20T00:00:00Z', expected: ['2026-02-21T10:00:00.000Z', '2026-02-22T10:00:00.000Z', '2026-02-28T10:00:00.000Z'] },
];

describe('window', () => {
  for (const c of cases) it(c.name, () => assert.deepEqual(firstN(parse(c.input, new Date('2026-02-19T00:00:00Z')), c.from, c.expected.length), c.expected));

  it('latestDue skips occurrences outside the window', () => {
    const s = parse({ periodically: '1 hour', when: '2026-02-20 00:00', window: { between: ['09:00', '17:00'] } }, new Date('2026-02-19T00:00:00Z'));
    assert.equal(latestDue(s, null, new Date('2026-02-21T03:30:00Z'))?.toISOString(), '2026-02-20T16:00:00.000Z');
  });
});
