import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleInput } from '../../../src/schedule/index.ts';
import { firstN, parse } from './helpers.ts';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

/**
 * Berlin springs forward 2026-03-29 02:00 → 03:00 and falls back 2026-10-25 03:00 → 02:00;
 * New York springs forward 2026-03-08 02:00 → 03:00 and falls back 2026-11-01 02:00 → 01:00.
 */
const cases: { name: string; input: ScheduleInput; from: string; expected: string[] }[] = [
  // cron: a fixed time in the gap runs once, at the end of the gap (Vixie cron); the next day is normal.
  { name: 'cron 02:30 Berlin, spring forward', input: { cron: '30 2 * * *', timezone: BERLIN }, from: '2026-03-28T00:00:00Z',
    expected: ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'] },
  { name: 'cron 02:30 New York, spring forward', input: { cron: '30 2 * * *', timezone: NEW_YORK }, from: '2026-03-07T00:00:00Z',
    expected: ['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z'] },
  // cron: a fixed time that occurs twice runs once, at the first.
  { name: 'cron 02:30 Berlin, fall back', input: { cron: '30 2 * * *', timezone: BERLIN }, from: '2026-10-24T00:00:00Z',
    expected: ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'] },
  { name: 'cron 01:30 New York, fall back', input: { cron: '30 1 * * *', timezone: NEW_YORK }, from: '2026-10-31T00:00:00Z',
    expected: ['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'] },
  { name: 'cron list 02:30,14:30 Berlin, spring forward: still once each', input: { cron: '30 2,14 * * *', timezone: BERLIN }, from: '2026-03-29T00:00:00Z',
    expected: ['2026-03-29T01:00:00.000Z', '2026-03-29T12:30:00.000Z', '2026-03-30T00:30:00.000Z'] },
  // cron: a wildcard job follows real time: none in the gap, both copies of the repeated hour.
  { name: 'cron every 30 min Berlin, spring forward', input: { cron: '*/30 * * * *', timezone: BERLIN }, from: '2026-03-29T00:15:00Z',
    expected: ['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z'] },
  { name: 'cron every 30 min New York, fall back', input: { cron: '*/30 * * * *', timezone: NEW_YORK }, from: '2026-11-01T05:15:00Z',
    expected: ['2026-11-01T05:30:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T06:30:00.000Z', '2026-11-01T07:00:00.000Z'] },
  // rrule: RFC 5545 — a skipped time uses the offset before the gap (02:30 → 03:30), a repeated one its first occurrence.
  { name: 'rrule 02:30 Berlin, spring forward', input: { rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=30', timezone: BERLIN, when: '2026-03-28 00:00' }, from: '2026-03-28T00:00:00Z',
    expected: ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z'] },
  { name: 'rrule 02:30 New York, spring forward', input: { rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=30', timezone: NEW_YORK, when: '2026-03-07 00:00' }, from: '2026-03-07T00:00:00Z',
    expected: ['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z'] },
  { name: 'rrule 02:30 Berlin, fall back', input: { weekly: { days: 'mon-sun', at: '02:30' }, timezone: BERLIN, when: '2026-10-24 00:00' }, from: '2026-10-24T00:00:00Z',
    expected: ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'] },
  { name: 'rrule 01:30 New York, fall back', input: { rrule: 'FREQ=DAILY;BYHOUR=1;BYMINUTE=30', timezone: NEW_YORK, when: '2026-10-31 00:00' }, from: '2026-10-31T00:00:00Z',
    expected: ['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'] },
  // interval: absolute time. A daily interval from 09:00 Berlin lands at 10:00 local after spring forward.
  { name: 'interval 1 day across Berlin spring forward', input: { periodically: '1 day', timezone: BERLIN, when: '2026-03-28 09:00' }, from: '2026-03-28T00:00:00Z',
    expected: ['2026-03-28T08:00:00.000Z', '2026-03-29T08:00:00.000Z', '2026-03-30T08:00:00.000Z'] },
  { name: 'interval 1 hour across New York fall back: 01:00 local runs twice, as real hours pass', input: { periodically: '1 hour', timezone: NEW_YORK, when: '2026-11-01 00:00' }, from: '2026-11-01T04:00:00Z',
    expected: ['2026-11-01T04:00:00.000Z', '2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z'] },
];

describe('DST', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(firstN(parse(c.input, new Date('2026-01-01T00:00:00Z')), c.from, c.expected.length), c.expected));
  }
});
