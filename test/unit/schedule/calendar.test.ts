import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleInput } from '../../../src/schedule/index.ts';
import { firstN, NOW, parse } from './helpers.ts';

/** Every trigger form, parsed at NOW (Fri 2026-02-20 14:56 UTC), and its first occurrences. */
/** `complete`: the schedule has no occurrences beyond `expected`. */
const cases: { name: string; input: ScheduleInput; expected: string[]; complete?: true }[] = [
  { name: 'one-shot without when runs now', input: {}, expected: ['2026-02-20T14:56:00.000Z'], complete: true },
  { name: 'one-shot at when', input: { when: '2026-12-01 08:00' }, expected: ['2026-12-01T08:00:00.000Z'], complete: true },
  { name: 'periodic without when: first run one interval from creation', input: { periodically: '5:00:00' },
    expected: ['2026-02-20T19:56:00.000Z', '2026-02-21T00:56:00.000Z', '2026-02-21T05:56:00.000Z'] },
  { name: 'periodic anchored at when, k·interval', input: { periodically: '2 days, 4:13:02', when: 'Fri Feb 20, 14:56' },
    expected: ['2026-02-20T14:56:00.000Z', '2026-02-22T19:09:02.000Z', '2026-02-24T23:22:04.000Z'] },
  { name: 'periodic in seconds', input: { periodically: 90, when: '2026-03-01T00:00:00Z' },
    expected: ['2026-03-01T00:00:00.000Z', '2026-03-01T00:01:30.000Z', '2026-03-01T00:03:00.000Z'] },
  { name: 'cron 5 fields', input: { cron: '*/5 * * * *' }, expected: ['2026-02-20T15:00:00.000Z', '2026-02-20T15:05:00.000Z'] },
  { name: 'cron 6 fields with seconds', input: { cron: '*/20 * * * * *' }, expected: ['2026-02-20T14:56:00.000Z', '2026-02-20T14:56:20.000Z'] },
  { name: 'cron from when on', input: { cron: '0 9 * * *', when: '2026-03-01' }, expected: ['2026-03-01T09:00:00.000Z', '2026-03-02T09:00:00.000Z'] },
  { name: 'cron NDScheduler object, missing fields = *, day_of_week 0 = Monday', input: { cron: { minute: '0', hour: '9', day_of_week: '0,4' } },
    expected: ['2026-02-23T09:00:00.000Z', '2026-02-27T09:00:00.000Z', '2026-03-02T09:00:00.000Z'] },
  { name: 'cron GroundControl list [minute, hour, month, day, day_of_week]', input: { cron: ['30', '6', '3', '15', '*'] },
    expected: ['2026-03-15T06:30:00.000Z', '2027-03-15T06:30:00.000Z'] },
  { name: 'cron on the 31st skips shorter months', input: { cron: '0 12 31 * *' },
    expected: ['2026-03-31T12:00:00.000Z', '2026-05-31T12:00:00.000Z', '2026-07-31T12:00:00.000Z', '2026-08-31T12:00:00.000Z'] },
  { name: 'cron last day of month', input: { cron: '0 12 L * *' },
    expected: ['2026-02-28T12:00:00.000Z', '2026-03-31T12:00:00.000Z', '2026-04-30T12:00:00.000Z'] },
  { name: 'cron leap day', input: { cron: '0 0 29 2 *' }, expected: ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z'] },
  { name: 'rrule weekly', input: { rrule: 'FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9' },
    expected: ['2026-02-23T09:00:00.000Z', '2026-02-27T09:00:00.000Z', '2026-03-02T09:00:00.000Z'] },
  { name: 'rrule with RRULE: prefix, in a zone', input: { rrule: 'RRULE:FREQ=MONTHLY;BYDAY=1MO;BYHOUR=8', timezone: 'America/New_York' },
    expected: ['2026-03-02T13:00:00.000Z', '2026-04-06T12:00:00.000Z'] },
  { name: 'rrule leap day', input: { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=12' },
    expected: ['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z'] },
  { name: 'rrule COUNT', input: { rrule: 'FREQ=DAILY;COUNT=2;BYHOUR=9', when: '2026-02-21 00:00' },
    expected: ['2026-02-21T09:00:00.000Z', '2026-02-22T09:00:00.000Z'], complete: true },
  // DTSTART's week (from Mon 02-16) is week 0; its Tuesday is before DTSTART, so the first is in week 2.
  { name: 'rrule every 2 weeks counts weeks from DTSTART', input: { rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=7', when: '2026-02-20' },
    expected: ['2026-03-03T07:00:00.000Z', '2026-03-17T07:00:00.000Z', '2026-03-31T07:00:00.000Z'] },
  { name: 'weekly days at a time', input: { weekly: { days: ['mon', 'fri'], at: '09:00' }, timezone: 'Europe/Paris' },
    expected: ['2026-02-23T08:00:00.000Z', '2026-02-27T08:00:00.000Z'] },
  { name: 'monthly on the 31st: only months that have one', input: { monthly: { days: [31], at: '09:00' } },
    expected: ['2026-03-31T09:00:00.000Z', '2026-05-31T09:00:00.000Z', '2026-07-31T09:00:00.000Z'] },
  { name: 'monthly on the last day', input: { monthly: { days: 'last', at: '18:30' } },
    expected: ['2026-02-28T18:30:00.000Z', '2026-03-31T18:30:00.000Z', '2026-04-30T18:30:00.000Z'] },
  { name: 'monthly on the 29th in a leap year February', input: { monthly: { days: [29], at: '00:00' }, when: '2028-02-01' },
    expected: ['2028-02-29T00:00:00.000Z', '2028-03-29T00:00:00.000Z'] },
  { name: 'dates list, sorted, in a zone', input: { dates: ['2026-12-01 08:00', 'Mar 1 2026 10:00'], timezone: 'Europe/Berlin' },
    expected: ['2026-03-01T09:00:00.000Z', '2026-12-01T07:00:00.000Z'], complete: true },
  { name: 'until stops (inclusive)', input: { periodically: '1 day', when: '2026-03-01', until: '2026-03-03' },
    expected: ['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'], complete: true },
  { name: 'max_runs caps a fresh schedule', input: { cron: '0 * * * *', max_runs: 2 }, expected: ['2026-02-20T15:00:00.000Z', '2026-02-20T16:00:00.000Z'], complete: true },
];

describe('every form', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(firstN(parse(c.input), NOW.toISOString(), c.expected.length + (c.complete ? 1 : 0)), c.expected));
  }
});
