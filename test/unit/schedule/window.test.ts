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
  // Akjob's limits: days of the month (with `last`), specific dates, a range of dates.
  { name: 'monthdays with last (February, then a 31st and a 30th)', input: { cron: '0 9 * * *', window: { monthdays: [1, 'last'] } },
    from: '2026-02-20T00:00:00Z', expected: ['2026-02-28T09:00:00.000Z', '2026-03-01T09:00:00.000Z', '2026-03-31T09:00:00.000Z', '2026-04-01T09:00:00.000Z', '2026-04-30T09:00:00.000Z'] },
  { name: 'monthdays counted from the end, in a leap year', input: { cron: '0 9 * * *', when: '2028-01-01', window: { monthdays: [-2], months: [2] } },
    from: '2028-01-01T00:00:00Z', expected: ['2028-02-28T09:00:00.000Z', '2029-02-27T09:00:00.000Z'] },
  { name: 'monthdays with weekdays: Friday the 13th', input: { cron: '0 0 * * *', window: { monthdays: [13], days: ['fri'] } },
    from: '2026-02-20T00:00:00Z', expected: ['2026-03-13T00:00:00.000Z', '2026-11-13T00:00:00.000Z', '2027-08-13T00:00:00.000Z'] },
  { name: 'specific dates, in the order of the calendar', input: { periodically: '6 hours', when: '2026-02-20 00:00', window: { dates: ['2026-12-31', '2026-03-02'] } },
    from: '2026-02-20T00:00:00Z', expected: ['2026-03-02T00:00:00.000Z', '2026-03-02T06:00:00.000Z', '2026-03-02T12:00:00.000Z', '2026-03-02T18:00:00.000Z', '2026-12-31T00:00:00.000Z'] },
  { name: 'dates years away are found (no day-by-day scan)', input: { cron: '30 8 * * *', window: { dates: ['2031-07-04'] } },
    from: '2026-02-20T00:00:00Z', expected: ['2031-07-04T08:30:00.000Z'] },
  { name: 'a range of dates, inclusive, read in the zone', input: { cron: '0 23 * * *', timezone: 'Europe/Paris', window: { from: '2027-05-30', to: '2027-06-01' } },
    from: '2026-02-20T00:00:00Z', expected: ['2027-05-30T21:00:00.000Z', '2027-05-31T21:00:00.000Z', '2027-06-01T21:00:00.000Z'] },
  { name: 'a range with between and weekdays', input: { periodically: '1 hour', when: '2026-06-01 00:00', window: { from: '2026-06-05', to: '2026-06-08', between: ['09:00', '11:00'], days: 'mon-fri' } },
    from: '2026-02-20T00:00:00Z', expected: ['2026-06-05T09:00:00.000Z', '2026-06-05T10:00:00.000Z', '2026-06-08T09:00:00.000Z', '2026-06-08T10:00:00.000Z'] },
];

describe('window', () => {
  for (const c of cases) it(c.name, () => assert.deepEqual(firstN(parse(c.input, new Date('2026-02-19T00:00:00Z')), c.from, c.expected.length), c.expected));

  it('is refused when no day can match, naming the field', () => {
    const refused: [ScheduleInput['window'], string, RegExp][] = [
      [{ monthdays: [31], months: ['feb'] }, 'window', /No occurrence/],
      [{ from: '2026-06-02', to: '2026-06-01' }, 'window.to', /before 'window.from'/],
      [{ dates: ['2026-02-30'] }, 'window.dates[0]', /not a date of the calendar/],
      [{ dates: [] }, 'window.dates', /list of dates/],
      [{ dates: Array.from({ length: 1001 }, (_, i) => new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10)) }, 'window.dates', /at most 1000/],
      [{ from: '26-06-01' }, 'window.from', /expected a date/],
      [{ from: '1899-12-31' }, 'window.from', /years 1900 to 9999/],
      [{ monthdays: [0] }, 'window.monthdays', /days 1–31/],
      [{ monthdays: ['first'] }, 'window.monthdays', /days 1–31/],
      [{ weeks: [1] }, 'window.weeks', /Unknown/],
    ];
    for (const [window, field, message] of refused) {
      assert.throws(() => parse({ cron: '0 9 * * *', window }), (err: Error & { field?: string }) => err.field === field && message.test(err.message), JSON.stringify(window).slice(0, 80));
    }
  });

  it('latestDue skips occurrences outside the window', () => {
    const s = parse({ periodically: '1 hour', when: '2026-02-20 00:00', window: { between: ['09:00', '17:00'] } }, new Date('2026-02-19T00:00:00Z'));
    assert.equal(latestDue(s, null, new Date('2026-02-21T03:30:00Z'))?.toISOString(), '2026-02-20T16:00:00.000Z');
  });
});
