import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseWhen } from '../../../src/schedule/index.ts';
import { ScheduleError } from '../../../src/errors.ts';

const now = new Date('2026-02-20T12:00:00Z');

describe('parseWhen', () => {
  const cases: [string, string, string][] = [
    // [input, timezone, expected instant]
    ['2026-12-01T08:00:00Z', 'UTC', '2026-12-01T08:00:00.000Z'],
    ['2026-12-01T08:00:00+02:00', 'America/New_York', '2026-12-01T06:00:00.000Z'],
    ['2026-12-01T08:00:00-0530', 'UTC', '2026-12-01T13:30:00.000Z'],
    ['2026-12-01T08:00:00.250Z', 'UTC', '2026-12-01T08:00:00.250Z'],
    ['2026-12-01 08:00', 'UTC', '2026-12-01T08:00:00.000Z'],
    ['2026-12-01 08:00', 'Europe/Berlin', '2026-12-01T07:00:00.000Z'],
    ['2026-07-01T08:00', 'Europe/Berlin', '2026-07-01T06:00:00.000Z'],
    ['2026-12-01', 'America/New_York', '2026-12-01T05:00:00.000Z'],
    ['Fri Feb 20, 14:56', 'UTC', '2026-02-20T14:56:00.000Z'],
    ['Mon Feb 20 2023, 14:56', 'UTC', '2023-02-20T14:56:00.000Z'],
    ['Feb 20 2027 14:56', 'Europe/Berlin', '2027-02-20T13:56:00.000Z'],
    ['20 February 2027 at 2:56 pm', 'UTC', '2027-02-20T14:56:00.000Z'],
    ['Saturday, 20th Feb 2027, 2:56pm', 'UTC', '2027-02-20T14:56:00.000Z'],
    ['Dec 1, 2026 12am', 'UTC', '2026-12-01T00:00:00.000Z'],
    ['Dec 1 2026 8:00 UTC', 'Europe/Berlin', '2026-12-01T08:00:00.000Z'],
    ['Feb 29 2028 09:00', 'UTC', '2028-02-29T09:00:00.000Z'],
    // DST: a skipped local time is read with the offset before the gap (02:30 → 03:30) …
    ['2026-03-29 02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['2026-03-08 02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    // … and a repeated one means its first occurrence (summer time).
    ['2026-10-25 02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    ['2026-11-01 01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'],
  ];
  for (const [input, tz, expected] of cases) {
    it(`"${input}" in ${tz} → ${expected}`, () => assert.equal(parseWhen(input, tz, 'when', now).toISOString(), expected));
  }

  const errors: [unknown, RegExp][] = [
    ['Tue 2027-02-20', /Unable to parse/],
    ['Feb 30 2026 10:00', /not a real date/],
    ['2026-02-29 10:00', /not a real date/],
    ['2026-12-01 25:00', /not a real date/],
    ['2026-13-01', /not a real date/],
    ['13:00pm Feb 3 2026', /not 1–12/],
    ['next tuesday', /Unable to parse/],
    ['Feb 2026', /needs a month and a day/],
    ['Feb 3 4 2026', /gives the day twice/],
    ['', /Unable to parse/],
    [1767225600, /Unable to parse/],
  ];
  for (const [input, message] of errors) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseWhen(input, 'UTC', 'when', now), (e: unknown) => e instanceof ScheduleError && e.field === 'when' && message.test(e.message));
    });
  }
  // dateutil's rule, which the seed's documented example relies on: a complete month and day win.
  const weekdays: [string, string, string[]][] = [
    ['Mon Feb 20, 14:56', '2026-02-20T14:56:00.000Z', ["when: 'Mon Feb 20, 14:56' says Monday, but Feb 20, 2026 is a Friday; the weekday was ignored"]],
    ['  Tue Feb 20 2027 9:00 ', '2027-02-20T09:00:00.000Z', ["when: 'Tue Feb 20 2027 9:00' says Tuesday, but Feb 20, 2027 is a Saturday; the weekday was ignored"]],
    ['Fri Feb 20, 14:56', '2026-02-20T14:56:00.000Z', []],
  ];
  for (const [input, expected, said] of weekdays) {
    it(`"${input}": the date wins over its weekday, and says so`, () => {
      const warnings: string[] = [];
      assert.equal(parseWhen(input, 'UTC', 'when', now, warnings).toISOString(), expected);
      assert.deepEqual(warnings, said);
    });
  }
  it('ignores a wrong weekday silently when nobody collects warnings', () => assert.equal(parseWhen('Mon Feb 20, 14:56', 'UTC', 'when', now).toISOString(), '2026-02-20T14:56:00.000Z'));
  it('needs a year when no `now` is given', () => {
    assert.throws(() => parseWhen('Feb 20, 14:56', 'UTC', 'until'), { field: 'until', message: /has no year/ });
  });
  it('passes a Date through', () => assert.equal(parseWhen(now, 'UTC', 'when').getTime(), now.getTime()));
});
