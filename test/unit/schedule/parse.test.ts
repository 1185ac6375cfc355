import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleInput } from '../../../src/schedule/index.ts';
import { describeSchedule, parseSchedule } from '../../../src/schedule/index.ts';
import { ScheduleError } from '../../../src/errors.ts';
import { NOW, parse } from './helpers.ts';

describe('parseSchedule: stored form', () => {
  const cases: [ScheduleInput, object][] = [
    [{}, { kind: 'once', at: '2026-02-20T14:56:00.000Z', timezone: 'UTC', misfireGraceMs: 1000 }],
    [{ when: null, periodically: '1 day', misfire_grace_time: '1 hour' }, { kind: 'interval', everyMs: 86_400_000, anchor: '2026-02-21T14:56:00.000Z', timezone: 'UTC', misfireGraceMs: 3_600_000 }],
    [{ cron: '  0  9 * *   1-5 ', timezone: 'europe/paris' }, { kind: 'cron', expression: '0 9 * * 1-5', start: '2026-02-20T14:56:00.000Z', timezone: 'Europe/Paris', misfireGraceMs: 1000 }],
    [{ cron: { minute: 0, hour: 9, day_of_week: '*/2' } }, { kind: 'cron', expression: '0 9 * * mon,wed,fri,sun', start: '2026-02-20T14:56:00.000Z', timezone: 'UTC', misfireGraceMs: 1000 }],
    [{ weekly: { days: 'mon-fri', at: '09:30' }, timezone: 'America/New_York' }, { kind: 'rrule', rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=30;BYSECOND=0', dtstart: '2026-02-20T00:00:00', timezone: 'America/New_York', misfireGraceMs: 1000 }],
    [{ periodically: '1 hour', until: '2026-12-31', max_runs: '10', window: { between: ['9:00', '17:00'], days: 'mon-fri', months: [1, 'dec'] } },
      { kind: 'interval', everyMs: 3_600_000, anchor: '2026-02-20T15:56:00.000Z', timezone: 'UTC', misfireGraceMs: 1000, until: '2026-12-31T00:00:00.000Z', maxRuns: 10,
        window: { between: ['09:00', '17:00'], days: ['mon', 'tue', 'wed', 'thu', 'fri'], months: [1, 12] } }],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => {
      const s = parse(input);
      assert.deepEqual(s, expected);
      assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON data');
    });
  }
});

describe('parseSchedule: every error names its field', () => {
  const cases: [ScheduleInput, string, RegExp][] = [
    [{ periodically: '5 hourz' }, 'periodically', /^Unable to parse 'periodically': "5 hourz" \(expected e\.g\. "5 hours", "5:00:00", "PT5H"\)$/],
    [{ periodically: '1 month' }, 'periodically', /use cron .* or rrule/],
    [{ periodically: '0:00:00' }, 'periodically', /at least 1 second/],
    [{ periodically: '1 hour', cron: '* * * * *' }, 'cron', /Give only one of .*got 'periodically' and 'cron'/],
    [{ dates: ['2026-03-01'], weekly: { days: 'mon', at: '9:00' } }, 'weekly', /Give only one of .*got 'dates' and 'weekly'/],
    [{ when: '2026-02-20 14:00' }, 'when', /'when' is in the past .*leave 'when' out to run now/],
    [{ when: 'someday' }, 'when', /Unable to parse 'when'/],
    [{ timezone: 'Mars/Olympus' }, 'timezone', /Unknown 'timezone': "Mars\/Olympus"/],
    [{ timezone: 5 }, 'timezone', /IANA/],
    [{ misfire_grace_time: 'a bit' }, 'misfire_grace_time', /Unable to parse 'misfire_grace_time'/],
    [{ cron: '* * *' }, 'cron', /has 3 fields, expected 5 .* or 6/],
    [{ cron: '61 * * * *' }, 'cron', /Unable to parse 'cron': "61 \* \* \* \*"/],
    [{ cron: '0 0 31 2 *' }, 'cron', /'cron' never occurs/],
    [{ cron: 42 }, 'cron', /Unable to parse 'cron'/],
    [{ cron: ['0', '9', '*'] }, 'cron', /needs 5 items \[minute, hour, month, day, day_of_week\]/],
    [{ cron: { minute: 0, hours: 9 } }, 'cron.hours', /Unknown cron field 'hours'/],
    [{ cron: { day: 1, day_of_week: 'mon' } }, 'cron.day_of_week', /either 'cron.day' or 'cron.day_of_week'/],
    [{ cron: { day_of_week: '9' } }, 'cron.day_of_week', /0 = mon … 6 = sun/],
    [{ rrule: 'FREQ=WEEKLIE' }, 'rrule', /needs FREQ=/],
    [{ rrule: 'FREQ=WEEKLY;BYDAY=XX' }, 'rrule', /bad BYWEEKDAY/],
    [{ rrule: 'FREQ=DAILY;FOO=1' }, 'rrule', /Unable to parse 'rrule'/],
    [{ rrule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY' }, 'rrule', /first run in 'when'/],
    [{ rrule: 'FREQ=DAILY;UNTIL=20261231T000000Z' }, 'rrule', /the end in 'until'/],
    [{ weekly: 'mondays' }, 'weekly', /must be an object/],
    [{ weekly: { days: 'funday', at: '09:00' } }, 'weekly.days', /Unable to parse 'weekly.days': "funday"/],
    [{ weekly: { days: 'mon' } }, 'weekly.at', /'weekly.at' is required/],
    [{ weekly: { days: 'mon', at: '25:00' } }, 'weekly.at', /time of day/],
    [{ weekly: { days: 'mon', at: '09:00', every: 2 } }, 'weekly.every', /Unknown 'weekly.every'/],
    [{ monthly: { days: [0], at: '09:00' } }, 'monthly.days', /1–31, "last"/],
    [{ dates: ['2026-03-01', 'whenever'] }, 'dates[1]', /Unable to parse 'dates\[1\]'/],
    [{ dates: ['2025-03-01'] }, 'dates', /in the past/],
    [{ dates: ['2026-03-01'], when: '2026-03-01' }, 'when', /'dates' already lists the run times/],
    [{ periodically: '1 hour', until: 'tomorrow' }, 'until', /Unable to parse 'until'/],
    [{ periodically: '1 hour', until: '2026-01-01' }, 'until', /'until' is in the past/],
    [{ periodically: '1 day', when: '2026-03-10', until: '2026-03-01' }, 'until', /comes before the first run \(every 1 day from 2026-03-10 00:00 UTC\)/],
    [{ periodically: '1 hour', max_runs: 0 }, 'max_runs', /at least 1/],
    [{ periodically: '1 hour', max_runs: 'many' }, 'max_runs', /whole number/],
    [{ periodically: '1 hour', window: 'office hours' }, 'window', /must be an object/],
    [{ periodically: '1 hour', window: { between: ['09:00'] } }, 'window.between', /two times of day/],
    [{ periodically: '1 hour', window: { between: ['09:00', '09:00'] } }, 'window.between', /same time/],
    [{ periodically: '1 hour', window: { between: ['9am', '17:00'] } }, 'window.between', /time of day/],
    [{ periodically: '1 hour', window: { days: ['someday'] } }, 'window.days', /Unable to parse 'window.days'/],
    [{ periodically: '1 hour', window: { months: [13] } }, 'window.months', /Unable to parse 'window.months': 13/],
    [{ periodically: '1 hour', window: { hours: [9] } }, 'window.hours', /Unknown 'window.hours'/],
    [{ cron: '0 9 * * sat', window: { days: 'mon-fri' } }, 'window', /No occurrence .* inside 'window'/],
  ];
  for (const [input, field, message] of cases) {
    it(`${field}: ${JSON.stringify(input)}`, () => {
      assert.throws(() => parse(input), (e: unknown) => {
        assert.ok(e instanceof ScheduleError, String(e));
        assert.equal(e.field, field);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

describe('parseSchedule: warnings', () => {
  const cases: [ScheduleInput, string[]][] = [
    [{ when: 'Mon Feb 20, 15:56' }, ["when: 'Mon Feb 20, 15:56' says Monday, but Feb 20, 2026 is a Friday; the weekday was ignored"]],
    [{ when: 'Mon Feb 20, 14:56', periodically: '32m' }, ["when: 'Mon Feb 20, 14:56' says Monday, but Feb 20, 2026 is a Friday; the weekday was ignored"]],
    [{ dates: ['Sun Mar 1 2026 9:00'], until: 'Sat Mar 1 2027' }, ["until: 'Sat Mar 1 2027' says Saturday, but Mar 1, 2027 is a Monday; the weekday was ignored"]],
    [{ when: 'Fri Feb 20, 15:56' }, []],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => {
      const warnings: string[] = [];
      parseSchedule(input, NOW, { warnings });
      assert.deepEqual(warnings, expected);
    });
  }
});

describe('describeSchedule', () => {
  const cases: [ScheduleInput, string][] = [
    [{ when: '2026-12-01 08:00' }, 'once at 2026-12-01 08:00 UTC'],
    [{ when: '2026-12-01 08:00', timezone: 'Europe/Paris' }, 'once at 2026-12-01 08:00 (Europe/Paris)'],
    [{ periodically: '5 hours', when: '2026-02-20 14:56' }, 'every 5 hours from 2026-02-20 14:56 UTC'],
    [{ periodically: '6 hours', when: '2026-02-20 14:56' }, 'every 6 hours from 14:56 UTC'],
    [{ periodically: '1 week', when: 'Mon Feb 23 2026, 09:00' }, 'every week from 2026-02-23 09:00 UTC'],
    [{ periodically: '90s', when: '2026-02-20 14:56:30' }, 'every 0:01:30 from 14:56:30 UTC'],
    [{ cron: '0 9 * * 1,5', timezone: 'Europe/Paris' }, 'at 09:00 on Mon and Fri (Europe/Paris)'],
    [{ cron: '30 7 * * *' }, 'at 07:30 every day UTC'],
    [{ cron: '*/5 * * * *' }, 'cron "*/5 * * * *" UTC'],
    [{ weekly: { days: ['mon', 'fri'], at: '09:00' }, timezone: 'Europe/Paris' }, 'at 09:00 on Mon and Fri (Europe/Paris)'],
    [{ weekly: { days: 'mon-fri', at: '09:00' } }, 'at 09:00 on Mon–Fri UTC'],
    [{ monthly: { days: [1, 15, 'last'], at: '09:00' } }, 'at 09:00 on day 1, day 15 and the last day of the month UTC'],
    [{ rrule: 'FREQ=MONTHLY;BYDAY=1MO' }, 'rrule "FREQ=MONTHLY;BYDAY=+1MO" UTC'],
    [{ dates: ['2026-03-01 10:00', '2026-12-24 18:00'] }, 'on 2 dates from 2026-03-01 10:00 to 2026-12-24 18:00 UTC'],
    [{ periodically: '1 hour', when: '2026-03-01', window: { between: ['09:00', '17:00'], days: 'mon-fri' }, until: '2026-12-31', max_runs: 5 },
      'every hour from 00:00, only between 09:00 and 17:00 on Mon–Fri, until 2026-12-31 00:00, at most 5 runs UTC'],
  ];
  for (const [input, text] of cases) it(text, () => assert.equal(describeSchedule(parse(input, new Date('2026-02-20T00:00:00Z'))), text));
  it('is the same whatever the clock says', () => assert.equal(describeSchedule(parse({ when: '2026-12-01 08:00' }, NOW)), 'once at 2026-12-01 08:00 UTC'));
});

it('allowPast: committed files may name times that have passed', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const once = parseSchedule({ when: '2026-02-20 14:00' }, now, { allowPast: true });
  assert.equal(once.kind, 'once');
  assert.equal(once.kind === 'once' && once.at, '2026-02-20T14:00:00.000Z');
  const until = parseSchedule({ periodically: '1 hour', when: '2025-12-01', until: '2026-01-01' }, now, { allowPast: true });
  assert.equal(until.until, '2026-01-01T00:00:00.000Z');
  // What can never occur is still refused.
  assert.throws(() => parseSchedule({ cron: '0 0 31 2 *' }, now, { allowPast: true }), /never occurs/);
});
