// The bounds of src/schedule/limits.ts, table-driven: each refused input names its field and is
// refused before any expansion; each input at a bound is accepted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import rrulePkg from 'rrule';
import { nextOccurrence, parseDuration, parseSchedule, readStoredSchedule, type ScheduleInput } from '../../../src/schedule/index.ts';
import { BoundedRRule, RrulePeriodLimit } from '../../../src/schedule/rrule-budget.ts';
import { MAX_DATES, MAX_INTERVAL_MS, MAX_RRULE_COUNT, MAX_RUNS, MAX_SHORT_DURATION_MS, MAX_WINDOW_JUMPS } from '../../../src/schedule/limits.ts';
import { previewSchedules, PREVIEW_BUDGET_MS } from '../../../src/dashboard/schedule-preview.ts';

const { RRule } = rrulePkg;
const now = new Date('2026-12-07T10:00:00Z');
/** Refusals must come before any expansion: far below what a bomb costs. */
const FAST_MS = 100;

function refused(input: ScheduleInput, field: string, message: RegExp): void {
  const started = performance.now();
  assert.throws(() => parseSchedule(input, now), (e: Error & { field?: string; code?: string }) => {
    assert.equal(e.code, 'invalid-schedule');
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });
  assert.ok(performance.now() - started < FAST_MS, `refused in ${(performance.now() - started).toFixed(1)} ms`);
}

describe('limits: refused with the field named', () => {
  const cases: Array<[string, ScheduleInput, string, RegExp]> = [
    ['rrule COUNT past its bound', { rrule: `FREQ=SECONDLY;COUNT=${MAX_RRULE_COUNT + 1}` }, 'rrule', /COUNT must be from 1 to 1000/],
    ['the preview bomb', { rrule: 'FREQ=SECONDLY;COUNT=1000001' }, 'rrule', /COUNT/],
    ['every minute of Mondays, minute by minute', { rrule: 'FREQ=MINUTELY;BYDAY=MO' }, 'rrule', /10080 periods apart, more than the 500/],
    ['every hour of January, hour by hour', { rrule: 'FREQ=HOURLY;BYMONTH=1' }, 'rrule', /8784 periods apart/],
    ['daily at three, minute by minute', { rrule: 'FREQ=MINUTELY;BYHOUR=3;BYMINUTE=0' }, 'rrule', /1440 periods apart/],
    ['a COUNT spanning too many periods', { rrule: 'FREQ=DAILY;BYDAY=MO;COUNT=1000' }, 'rrule', /span more than 1000 days/],
    ['INTERVAL past its bound', { rrule: 'FREQ=DAILY;INTERVAL=10001' }, 'rrule', /INTERVAL must be from 1 to 10000/],
    ['BYHOUR=25', { rrule: 'FREQ=SECONDLY;BYHOUR=25' }, 'rrule', /BYHOUR takes 0 to 23/],
    ['BYMONTHDAY=0', { rrule: 'FREQ=MONTHLY;BYMONTHDAY=0' }, 'rrule', /BYMONTHDAY takes/],
    ['BYSETPOS=400', { rrule: 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=400' }, 'rrule', /BYSETPOS takes/],
    ['BYDAY=60MO', { rrule: 'FREQ=YEARLY;BYDAY=60MO' }, 'rrule', /1 to 53/],
    ['a daily rule that never matches', { rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' }, 'rrule', /no occurrence within 500 days/],
    ['a yearly rule that never matches', { rrule: 'FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31' }, 'rrule', /no occurrence within 500 years/],
    ['a BYSETPOS no month has', { rrule: 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6' }, 'rrule', /no occurrence within 500 months/],
    ['an hourly INTERVAL that never reaches BYHOUR', { rrule: 'FREQ=HOURLY;INTERVAL=24;BYHOUR=3', when: '2026-12-08T00:00:00Z' }, 'rrule', /no BYHOUR value is reached/],
    ['a minutely INTERVAL that does not divide 60 with BYHOUR', { rrule: 'FREQ=MINUTELY;INTERVAL=7;BYHOUR=9' }, 'rrule', /INTERVAL must divide 60/],
    ['a secondly INTERVAL that never reaches BYSECOND', { rrule: 'FREQ=SECONDLY;INTERVAL=2;BYSECOND=1', when: '2026-12-08T00:00:00Z' }, 'rrule', /no BYSECOND value/],
    ['a window no occurrence reaches', { rrule: 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1', window: { months: [2] } }, 'window', new RegExp(`next ${MAX_WINDOW_JUMPS} openings`)],
    ['periodically 2.2e16 seconds', { periodically: 2.2e16 }, 'periodically', /at most 100 years/],
    ['periodically "99999999999 days"', { periodically: '99999999999 days' }, 'periodically', /at most 100 years/],
    ['periodically of 36526 days', { periodically: '36526 days' }, 'periodically', /at most 100 years/],
    ['an ISO duration with huge parts', { periodically: 'P99999999999999W' }, 'periodically', /at most/],
    ['a duration past 200 characters', { periodically: `${'1'.repeat(201)}s` }, 'periodically', /at most 200 characters/],
    ['an rrule past 200 characters', { rrule: `FREQ=MINUTELY;BYSECOND=${'1,'.repeat(100)}1` }, 'rrule', /at most 200 characters/],
    ['a cron past 200 characters', { cron: `${'1,'.repeat(100)}1 * * * *` }, 'cron', /at most 200 characters/],
    ['misfire_grace_time past 24 days', { periodically: '1 hour', misfire_grace_time: '25 days' }, 'misfire_grace_time', /at most 24 days/],
    ['max_runs past its bound', { periodically: '1 hour', max_runs: MAX_RUNS + 1 }, 'max_runs', /at most 1000000000/],
    ['until past year 9999 by its offset', { periodically: '1 hour', until: '9999-12-31T23:00:00-23:59' }, 'until', /1900 to 9999/],
    ['when before 1900', { periodically: '1 hour', when: '1899-12-31T00:00:00Z' }, 'when', /1900 to 9999/],
    ['too many dates', { dates: Array.from({ length: MAX_DATES + 1 }, (_, i) => new Date(now.getTime() + (i + 1) * 60_000).toISOString()) }, 'dates', /at most 1000/],
  ];
  for (const [name, input, field, message] of cases) it(name, () => refused(input, field, message));
});

describe('limits: accepted at the bound', () => {
  const cases: Array<[string, ScheduleInput]> = [
    ['COUNT at its bound', { rrule: `FREQ=SECONDLY;COUNT=${MAX_RRULE_COUNT}`, when: '2026-12-07T10:00:00Z' }],
    ['a leap day, yearly', { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29' }],
    ['every hour of Mondays', { rrule: 'FREQ=HOURLY;BYDAY=MO' }],
    ['every day of January', { rrule: 'FREQ=DAILY;BYMONTH=1' }],
    ['an hourly INTERVAL that reaches BYHOUR', { rrule: 'FREQ=HOURLY;INTERVAL=5;BYHOUR=3', when: '2026-12-08T00:00:00Z' }],
    ['a minutely INTERVAL dividing 60 with BYHOUR', { rrule: 'FREQ=MINUTELY;INTERVAL=15;BYHOUR=9,17' }],
    ['a 100-year interval', { periodically: '36525 days' }],
    ['a grace of 24 days', { periodically: '1 hour', misfire_grace_time: '24 days' }],
    ['max_runs at its bound', { periodically: '1 hour', max_runs: MAX_RUNS }],
    ['until in year 9999', { periodically: '1 hour', until: '9999-12-31T23:59:59Z' }],
  ];
  for (const [name, input] of cases) it(name, () => assert.ok(nextOccurrence(parseSchedule(input, now), now) !== null));
});

describe('limits: durations', () => {
  const cases: Array<[unknown, number, number | RegExp]> = [
    [MAX_INTERVAL_MS / 1000, MAX_INTERVAL_MS, MAX_INTERVAL_MS],
    [MAX_INTERVAL_MS / 1000 + 1, MAX_INTERVAL_MS, /at most 100 years/],
    [1e400, MAX_INTERVAL_MS, /at most/],
    ['24 days', MAX_SHORT_DURATION_MS, 24 * 86_400_000],
    ['25 days', MAX_SHORT_DURATION_MS, /at most 24 days/],
    ['PT596523H', MAX_SHORT_DURATION_MS, /at most/],
  ];
  for (const [value, max, expected] of cases) {
    it(`${JSON.stringify(value)} with a bound of ${max} ms`, () => {
      if (typeof expected === 'number') assert.equal(parseDuration(value, 'd', max), expected);
      else assert.throws(() => parseDuration(value, 'd', max), expected);
    });
  }
});

describe('limits: the rrule library is stopped after its period budget', () => {
  // Guards the hook BoundedRRule relies on: if a new rrule version stops reading `interval` each period, this fails.
  it('a search past maxPeriods throws, one within it answers', () => {
    const rule = new BoundedRRule({ ...RRule.parseString('FREQ=DAILY;BYMONTHDAY=20'), dtstart: new Date('2026-01-01T00:00:00Z') });
    rule.maxPeriods = 10;
    assert.throws(() => rule.after(new Date('2026-01-01T00:00:00Z')), RrulePeriodLimit);
    rule.maxPeriods = 30;
    assert.equal(rule.after(new Date('2026-01-01T00:00:00Z'))?.toISOString(), '2026-01-20T00:00:00.000Z');
  });
  it('a rule that never matches is given up quickly', () => {
    const rule = new BoundedRRule({ ...RRule.parseString('FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30'), dtstart: new Date('2026-01-01T00:00:00Z') });
    const started = performance.now();
    assert.throws(() => rule.after(new Date('2026-01-01T00:00:00Z')), RrulePeriodLimit);
    assert.ok(performance.now() - started < FAST_MS);
  });
});

describe('limits: stored schedules read back from a request', () => {
  const base = { timezone: 'UTC', misfireGraceMs: 1000 };
  const cases: Array<[string, unknown, string]> = [
    ['an unknown kind', { kind: 'sometimes', ...base }, 's'],
    ['an interval of 2.2e19 ms', { kind: 'interval', everyMs: 2.2e19, anchor: '2026-01-01T00:00:00Z', ...base }, 's.everyMs'],
    ['a COUNT past its bound', { kind: 'rrule', rule: 'FREQ=SECONDLY;COUNT=1000001', dtstart: '2026-01-01T00:00:00', ...base }, 's.rule'],
    ['an unreachable BYHOUR', { kind: 'rrule', rule: 'FREQ=HOURLY;INTERVAL=24;BYHOUR=3', dtstart: '2026-01-01T00:00:00', ...base }, 's.rule'],
    ['a DTSTART in year 99999', { kind: 'rrule', rule: 'FREQ=DAILY', dtstart: '99999-01-01T00:00:00', ...base }, 's.dtstart'],
    ['a grace past 24 days', { kind: 'once', at: '2026-01-01T00:00:00Z', timezone: 'UTC', misfireGraceMs: 1e15 }, 's.misfireGraceMs'],
    ['an instant past year 9999', { kind: 'once', at: '+010000-01-01T00:00:00Z', ...base }, 's.at'],
    ['a cron that is not cron', { kind: 'cron', expression: 'not cron', start: '2026-01-01T00:00:00Z', ...base }, 's.cron'],
  ];
  for (const [name, value, field] of cases) {
    it(name, () => assert.throws(() => readStoredSchedule(value, 's'), (e: Error & { field?: string }) => e.field === field));
  }
});

it(`the preview stops computing after ${PREVIEW_BUDGET_MS} ms of a request`, () => {
  const schedule = parseSchedule({ periodically: '1 hour' }, now);
  let t = 0;
  // A clock that moves 4 ms each time it is read.
  const previews = previewSchedules([{ schedule, run_count: 0 }, { schedule, run_count: 0 }, { schedule, run_count: 0 }], 2, now, () => (t += 4));
  assert.deepEqual(previews.map((p) => ('error' in p ? 'error' : p.upcoming.length)), [2, 'error', 'error']);
});
