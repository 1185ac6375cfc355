import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import rrulePkg from 'rrule';
import { nextOccurrence, parseSchedule } from '../../../src/schedule/index.ts';

const { RRule } = rrulePkg;

/**
 * bosun starts rrule's iteration at the period holding the query instead of at DTSTART, for speed.
 * In UTC (no DST mapping) it must give exactly what plain rrule gives from DTSTART.
 */
const rules = [
  'FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9',
  'FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SU;WKST=SU',
  'FREQ=WEEKLY',
  'FREQ=MONTHLY;INTERVAL=5',
  'FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17;BYMINUTE=45',
  'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
  'FREQ=MONTHLY;BYMONTHDAY=31,-3',
  'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
  'FREQ=YEARLY;INTERVAL=2;BYWEEKNO=20;BYDAY=MO',
  'FREQ=YEARLY',
  'FREQ=DAILY;INTERVAL=10;BYHOUR=6,18',
  'FREQ=HOURLY;INTERVAL=7;BYMINUTE=15',
  'FREQ=MINUTELY;INTERVAL=97',
];
const dtstart = '2025-01-07T10:20:30';

describe('rrule: anchored iteration equals plain rrule', () => {
  for (const rule of rules) {
    it(rule, () => {
      const plain = new RRule({ ...RRule.parseString(rule), dtstart: new Date(`${dtstart}Z`) });
      const s = { ...parseSchedule({ rrule: rule, when: dtstart }, new Date('2025-01-01T00:00:00Z')) };
      for (const query of ['2025-01-07T10:20:30Z', '2025-06-30T23:59:59Z', '2026-03-01T00:00:00Z', '2031-11-11T11:11:11Z']) {
        const after = new Date(query);
        assert.equal(nextOccurrence(s, after)?.toISOString(), plain.after(after, false)?.toISOString(), `after ${query}`);
      }
    });
  }
});
