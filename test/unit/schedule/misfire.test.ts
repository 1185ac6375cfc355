import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleInput } from '../../../src/schedule/index.ts';
import { latestDue, misfireDecision, nextOccurrence, parseDuration } from '../../../src/schedule/index.ts';
import { parse } from './helpers.ts';

describe('misfireDecision: runs while now ≤ scheduled + grace', () => {
  const at = new Date('2026-03-01T10:00:00Z');
  const cases: [string, number, string, 'run' | 'misfired'][] = [
    // [now, grace ms, why, decision]
    ['2026-03-01T10:00:00.000Z', 1000, 'on time', 'run'],
    ['2026-03-01T09:59:59.000Z', 1000, 'early', 'run'],
    ['2026-03-01T10:00:01.000Z', 1000, 'exactly at the grace', 'run'],
    ['2026-03-01T10:00:01.001Z', 1000, '1 ms past the default grace', 'misfired'],
    ['2026-03-01T10:59:59.000Z', parseDuration('1 hour', 'misfire_grace_time'), 'within an hour', 'run'],
    ['2026-03-01T11:00:00.001Z', parseDuration('1 hour', 'misfire_grace_time'), 'past an hour', 'misfired'],
    ['2026-03-01T10:00:00.001Z', 0, 'no grace at all', 'misfired'],
  ];
  for (const [now, grace, why, decision] of cases) it(`${why} → ${decision}`, () => assert.equal(misfireDecision(at, new Date(now), grace), decision));
});

describe('latestDue: after downtime only the latest due occurrence runs', () => {
  const created = new Date('2026-03-01T00:00:00Z');
  const cases: { name: string; input: ScheduleInput; last: string | null; now: string; runs?: number; expected: string | null }[] = [
    { name: 'interval: five missed, the latest one', input: { periodically: '1 hour', when: '2026-03-01 10:00' }, last: '2026-03-01T10:00:00Z', now: '2026-03-01T15:30:00Z', expected: '2026-03-01T15:00:00.000Z' },
    { name: 'interval: nothing new since the last', input: { periodically: '1 hour', when: '2026-03-01 10:00' }, last: '2026-03-01T15:00:00Z', now: '2026-03-01T15:59:59Z', expected: null },
    { name: 'interval: due exactly now', input: { periodically: '1 hour', when: '2026-03-01 10:00' }, last: '2026-03-01T10:00:00Z', now: '2026-03-01T11:00:00Z', expected: '2026-03-01T11:00:00.000Z' },
    { name: 'interval: never run, before the anchor', input: { periodically: '1 hour', when: '2026-03-01 10:00' }, last: null, now: '2026-03-01T09:00:00Z', expected: null },
    { name: 'cron: a day of downtime', input: { cron: '*/15 * * * *' }, last: '2026-03-01T08:00:00Z', now: '2026-03-02T08:07:00Z', expected: '2026-03-02T08:00:00.000Z' },
    { name: 'cron: not before its start', input: { cron: '0 0 * * *', when: '2026-03-05' }, last: null, now: '2026-03-04T12:00:00Z', expected: null },
    { name: 'rrule in a zone', input: { rrule: 'FREQ=DAILY;BYHOUR=9', timezone: 'Europe/Berlin' }, last: '2026-03-01T08:00:00Z', now: '2026-03-04T12:00:00Z', expected: '2026-03-04T08:00:00.000Z' },
    { name: 'rrule: the period holding now has none yet', input: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=28;BYHOUR=9' }, last: null, now: '2026-05-03T00:00:00Z', expected: '2026-04-28T09:00:00.000Z' },
    { name: 'dates', input: { dates: ['2026-03-02 00:00', '2026-03-03 00:00', '2026-03-09 00:00'] }, last: null, now: '2026-03-05T00:00:00Z', expected: '2026-03-03T00:00:00.000Z' },
    { name: 'one-shot missed', input: { when: '2026-03-02 00:00' }, last: null, now: '2026-03-05T00:00:00Z', expected: '2026-03-02T00:00:00.000Z' },
    { name: 'until caps it', input: { periodically: '1 hour', when: '2026-03-01 10:00', until: '2026-03-01 12:30' }, last: null, now: '2026-03-02T00:00:00Z', expected: '2026-03-01T12:00:00.000Z' },
    { name: 'max_runs reached', input: { periodically: '1 hour', when: '2026-03-01 10:00', max_runs: 3 }, last: '2026-03-01T12:00:00Z', now: '2026-03-02T00:00:00Z', runs: 3, expected: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const due = latestDue(parse(c.input, created), c.last === null ? null : new Date(c.last), new Date(c.now), c.runs);
      assert.equal(due?.toISOString() ?? null, c.expected);
    });
  }
});

describe('nextOccurrence limits', () => {
  const s = parse({ periodically: '1 hour', when: '2026-03-01 10:00', max_runs: 2, until: '2026-03-01 20:00' }, new Date('2026-03-01T00:00:00Z'));
  const cases: [string, number, string | null][] = [
    ['2026-03-01T10:00:00Z', 0, '2026-03-01T11:00:00.000Z'],
    ['2026-03-01T10:00:00Z', 1, '2026-03-01T11:00:00.000Z'],
    ['2026-03-01T10:00:00Z', 2, null],
    ['2026-03-01T19:59:59Z', 1, '2026-03-01T20:00:00.000Z'],
    ['2026-03-01T20:00:00Z', 1, null],
  ];
  for (const [after, runs, expected] of cases) {
    it(`after ${after} with ${runs} runs → ${expected}`, () => assert.equal(nextOccurrence(s, new Date(after), runs)?.toISOString() ?? null, expected));
  }
  it('interval never drifts: next after a late run is still anchor + k·interval', () => {
    const every = parse({ periodically: '5:00:00', when: '2026-03-01 14:56:30' }, new Date('2026-03-01T00:00:00Z'));
    assert.equal(nextOccurrence(every, new Date('2026-03-01T19:58:12.345Z'))?.toISOString(), '2026-03-02T00:56:30.000Z');
  });
});
