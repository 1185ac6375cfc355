/**
 * What an RRULE may contain before it is evaluated: RFC 5545's value ranges, a COUNT small enough
 * to list, and, below a day, BYHOUR/BYMINUTE/BYSECOND values the INTERVAL can reach. The rrule
 * library steps sub-daily rules inside loops that end only on a matching hour, minute or second
 * (no year limit there), so "FREQ=HOURLY;INTERVAL=24;BYHOUR=3" from midnight would never return.
 */
import rrulePkg from 'rrule';
import type { Options } from 'rrule';
import { ScheduleError } from '../errors.ts';
import { MAX_RRULE_COUNT, MAX_RRULE_PERIODS } from './limits.ts';

const { Frequency } = rrulePkg;
/** Larger intervals are better said with a coarser FREQ. */
export const MAX_RRULE_INTERVAL = 10_000;

/** RFC 5545 section 3.3.10; 0 is never valid where negatives count from the end. */
const RANGES: Array<[keyof Options, string, number, number, boolean]> = [
  ['bysecond', 'BYSECOND', 0, 59, false],
  ['byminute', 'BYMINUTE', 0, 59, false],
  ['byhour', 'BYHOUR', 0, 23, false],
  ['bymonth', 'BYMONTH', 1, 12, false],
  ['bymonthday', 'BYMONTHDAY', 1, 31, true],
  ['byyearday', 'BYYEARDAY', 1, 366, true],
  ['byweekno', 'BYWEEKNO', 1, 53, true],
  ['bysetpos', 'BYSETPOS', 1, 366, true],
];

function numbers(value: unknown): number[] {
  return value === null || value === undefined ? [] : ([value].flat() as unknown[]).filter((v): v is number => typeof v === 'number');
}

function refuse(field: string, rule: string, message: string): never {
  throw new ScheduleError(field, `'${field}' ${rule}: ${message}`);
}

/** The parts of a parsed rule, checked against their ranges and bosun's limits. */
export function checkRuleBounds(o: Partial<Options>, field: string): void {
  if (o.count !== undefined && o.count !== null && !(Number.isInteger(o.count) && o.count >= 1 && o.count <= MAX_RRULE_COUNT)) {
    refuse(field, `COUNT=${o.count}`, `COUNT must be from 1 to ${MAX_RRULE_COUNT} (for more runs leave COUNT out and set 'until' or 'max_runs')`);
  }
  if (o.interval !== undefined && o.interval !== null && !(Number.isInteger(o.interval) && o.interval >= 1 && o.interval <= MAX_RRULE_INTERVAL)) {
    refuse(field, `INTERVAL=${o.interval}`, `INTERVAL must be from 1 to ${MAX_RRULE_INTERVAL} (use a coarser FREQ)`);
  }
  for (const [key, name, min, max, negative] of RANGES) {
    for (const n of numbers(o[key])) {
      const ok = Number.isInteger(n) && ((n >= min && n <= max) || (negative && n <= -min && n >= -max));
      if (!ok) refuse(field, `${name}=${n}`, `${name} takes ${negative ? `${min} to ${max} or -${max} to -${min}` : `${min} to ${max}`}`);
    }
  }
  for (const day of [o.byweekday ?? []].flat()) {
    const n = typeof day === 'object' && day !== null ? day.n : undefined;
    if (n !== undefined && n !== null && !(Number.isInteger(n) && n !== 0 && Math.abs(n) <= 53)) refuse(field, `BYDAY=${String(day)}`, 'the number before a day takes 1 to 53 or -53 to -1');
  }
  checkRuleGaps(o, field);
}

const S = 1000;
const D = 86_400 * S;
/** Seconds of one FREQ period, the longest a month or year can be. */
const PERIOD_MS: Record<number, number> = {
  [Frequency.YEARLY]: 366 * D,
  [Frequency.MONTHLY]: 31 * D,
  [Frequency.WEEKLY]: 7 * D,
  [Frequency.DAILY]: D,
  [Frequency.HOURLY]: 3600 * S,
  [Frequency.MINUTELY]: 60 * S,
  [Frequency.SECONDLY]: S,
};
/** The longest wait a BYxxx part alone can impose before its value comes round again. */
const CYCLE_MS: Array<[keyof Options, string, number]> = [
  ['bysecond', 'BYSECOND', 60 * S],
  ['byminute', 'BYMINUTE', 3600 * S],
  ['byhour', 'BYHOUR', D],
  ['byweekday', 'BYDAY', 7 * D],
  ['bymonthday', 'BYMONTHDAY', 62 * D],
  ['bymonth', 'BYMONTH', 366 * D],
  ['byyearday', 'BYYEARDAY', 366 * D],
  ['byweekno', 'BYWEEKNO', 366 * D],
];

/**
 * Occurrences that may lie further apart than the periods bosun searches (MAX_RRULE_PERIODS) would
 * make a later "next occurrence" fail although the rule was accepted: "FREQ=MINUTELY;BYDAY=MO"
 * waits six days of minutes from Tuesday on. Such rules are refused as written, whatever today is.
 */
function checkRuleGaps(o: Partial<Options>, field: string): void {
  if (o.freq === undefined || o.freq === null) return;
  const step = PERIOD_MS[o.freq]! * (o.interval ?? 1);
  for (const [key, name, cycle] of CYCLE_MS) {
    const value = o[key];
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    const periods = Math.ceil(cycle / step);
    if (periods > MAX_RRULE_PERIODS) {
      refuse(
        field,
        `FREQ=${Frequency[o.freq]} with ${name}`,
        `its occurrences can lie ${periods} periods apart, more than the ${MAX_RRULE_PERIODS} bosun searches; ` +
          `use a coarser FREQ (e.g. FREQ=DAILY;${name === 'BYDAY' ? 'BYDAY=MO;' : ''}BYHOUR=9,10;BYMINUTE=0,30) or a cron expression (e.g. '* * * * MON')`,
      );
    }
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Some value of `allowed` is reachable from `start` in steps of `step` around a clock of `size`. */
function reachable(allowed: number[], start: number, step: number, size: number): boolean {
  const g = gcd(step, size);
  return allowed.some((v) => (v - start) % g === 0);
}

/**
 * Below a day, the library loops from one step to the next until the hour, minute and second all
 * match. Each loop ends when a matching value is reachable: stepping by INTERVAL keeps the value
 * modulo gcd(INTERVAL, clock size); and a carry into a coarser unit BYxxx also filters moves
 * by one unit only when INTERVAL divides 60. `start` is DTSTART as wall-clock milliseconds.
 */
export function checkRuleReachable(o: Options, start: number, field: string): void {
  const d = new Date(start);
  const [hour, minute, second] = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
  const [byhour, byminute, bysecond] = [numbers(o.byhour), numbers(o.byminute), numbers(o.bysecond)];
  const interval = o.interval ?? 1;
  const unreachable = (what: string): never =>
    refuse(field, `FREQ=${Frequency[o.freq]};INTERVAL=${interval}`, `${what} (use a coarser FREQ, e.g. FREQ=DAILY;BYHOUR=9;BYMINUTE=0)`);
  if (o.freq === Frequency.HOURLY && byhour.length > 0 && !reachable(byhour, hour, interval, 24)) {
    unreachable(`no BYHOUR value is reached stepping ${interval} hours from ${hour}:00`);
  }
  if (o.freq === Frequency.MINUTELY) {
    if (byhour.length > 0 && 60 % interval !== 0) unreachable('with BYHOUR, INTERVAL must divide 60');
    if (byminute.length > 0 && !reachable(byminute, minute, interval, 60)) unreachable(`no BYMINUTE value is reached stepping ${interval} minutes from minute ${minute}`);
  }
  if (o.freq === Frequency.SECONDLY) {
    if ((byhour.length > 0 || byminute.length > 0) && 60 % interval !== 0) unreachable('with BYHOUR or BYMINUTE, INTERVAL must divide 60');
    if (bysecond.length > 0 && !reachable(bysecond, second, interval, 60)) unreachable(`no BYSECOND value is reached stepping ${interval} seconds from second ${second}`);
  }
}
