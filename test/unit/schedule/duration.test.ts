import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../../src/schedule/index.ts';
import { ScheduleError } from '../../../src/errors.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  const cases: [unknown, number][] = [
    ['1 week', 7 * D],
    ['5:00:00', 5 * H],
    ['4:13', 4 * M + 13 * S],
    ['1 day', D],
    ['30 day', 30 * D],
    ['365 days', 365 * D],
    ['32m', 32 * M],
    ['2h32m', 2 * H + 32 * M],
    ['1w3d2h32m', 7 * D + 3 * D + 2 * H + 32 * M],
    ['5 hours, 34 minutes', 5 * H + 34 * M],
    ['5 hours and 34 minutes', 5 * H + 34 * M],
    ['1.2 minutes', 72 * S],
    ['2 days, 4:13:02', 2 * D + 4 * H + 13 * M + 2 * S],
    ['1:02:03:04', D + 2 * H + 3 * M + 4 * S],
    ['1:24:12.5', H + 24 * M + 12.5 * S],
    ['90s', 90 * S],
    ['1 hour', H],
    ['250ms', 250],
    ['PT5H', 5 * H],
    ['P1DT2H30M', D + 2 * H + 30 * M],
    ['P2W', 14 * D],
    ['PT0.5S', 500],
    ['3600', H],
    [3600, H],
    [1.5, 1500],
    [0, 0],
    ['  2 Hours ', 2 * H],
  ];
  for (const [input, ms] of cases) it(`${JSON.stringify(input)} → ${ms} ms`, () => assert.equal(parseDuration(input, 'periodically'), ms));

  const errors: [unknown, RegExp][] = [
    ['5 hourz', /^Unable to parse 'periodically': "5 hourz" \(expected e\.g\. "5 hours", "5:00:00", "PT5H"\)$/],
    ['1 month', /months and years have no fixed length; use cron .* or rrule/],
    ['2 years', /months and years/],
    ['P1M', /months and years/],
    ['P1Y2D', /months and years/],
    ['', /Unable to parse/],
    ['P', /Unable to parse/],
    ['PT', /Unable to parse/],
    ['soon', /Unable to parse/],
    ['1h 30', /Unable to parse/],
    [-5, /cannot be negative/],
    [Number.NaN, /Unable to parse/],
    [null, /Unable to parse/],
    [{ hours: 1 }, /Unable to parse/],
  ];
  for (const [input, message] of errors) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseDuration(input, 'periodically'), (e: unknown) => e instanceof ScheduleError && e.field === 'periodically' && message.test(e.message));
    });
  }
  it('names the field it was given', () => {
    assert.throws(() => parseDuration('later', 'misfire_grace_time'), { field: 'misfire_grace_time', message: /'misfire_grace_time'/ });
  });
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [7 * D, '1 week'],
    [14 * D, '2 weeks'],
    [2 * D, '2 days'],
    [5 * H, '5 hours'],
    [M, '1 minute'],
    [45 * S, '45 seconds'],
    [90 * S, '0:01:30'],
    [5 * H + 34 * M, '5:34:00'],
    [2 * D + 4 * H + 13 * M + 2 * S, '2 days, 4:13:02'],
    [1500, '0:00:01.500'],
    [250, '0:00:00.250'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms → "${text}" and back`, () => {
      assert.equal(formatDuration(ms), text);
      assert.equal(parseDuration(text, 'periodically'), ms);
    });
  }
});
