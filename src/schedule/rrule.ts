/**
 * RFC 5545 recurrence rules, evaluated by the rrule library in floating time (wall-clock values
 * encoded as UTC) and mapped to instants in the schedule's zone here: the library's own TZID
 * support returns shifted dates that are easy to misread, and its DST handling is not RFC 5545's.
 *
 * rrule iterates from DTSTART on every query, so a rule started a year ago costs hundreds of
 * microseconds. Without COUNT, starting the iteration at the period (year, month, week, day…)
 * that holds the query gives the same occurrences, provided every BYxxx part the library would
 * default from DTSTART is spelled out; with COUNT, the finite list is computed once.
 */
import rrulePkg from 'rrule';
import type { Options, RRule as RRuleType } from 'rrule';
import { ScheduleError } from '../errors.ts';
import { checkRuleBounds, checkRuleReachable } from './rrule-bounds.ts';
import { MAX_RRULE_COUNT_PERIODS, MAX_SCHEDULE_TEXT } from './limits.ts';
import { BoundedRRule, FREQ_UNITS, RrulePeriodLimit } from './rrule-budget.ts';
import { fromWall, toWall } from './zone.ts';

const { RRule, Weekday, Frequency } = rrulePkg;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Larger than any UTC-offset change, so a wall-clock scan this wide around a DST jump sees every candidate. */
const DST_SLACK = 3 * HOUR;
const EXAMPLE = '(expected e.g. "FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9")';

/** Validated rule text without "RRULE:"; DTSTART and UNTIL belong in `when` and `until`, read in `timezone`. */
export function normalizeRrule(value: unknown, field = 'rrule'): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(value)} ${EXAMPLE}`);
  if (value.length > MAX_SCHEDULE_TEXT) throw new ScheduleError(field, `'${field}' must be at most ${MAX_SCHEDULE_TEXT} characters`);
  const text = value.trim().replace(/^RRULE:/i, '');
  if (/DTSTART|TZID|UNTIL|\n/i.test(text)) {
    throw new ScheduleError(field, `'${field}' takes the rule only: put the first run in 'when', the zone in 'timezone' and the end in 'until'`);
  }
  let options: Partial<Options>;
  try {
    options = RRule.parseString(text);
  } catch (error) {
    throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(value)} (${(error as Error).message}) ${EXAMPLE}`);
  }
  // parseString leaves unknown values as undefined or NaN instead of failing; name the part.
  const bad = Object.entries(options).find(([, v]) => v === undefined || (typeof v === 'number' && Number.isNaN(v)) || (Array.isArray(v) && v.some((x) => x === undefined || Number.isNaN(x))));
  if (options.freq === undefined || bad !== undefined) {
    const what = options.freq === undefined ? 'it needs FREQ=YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY or SECONDLY' : `bad ${bad?.[0].toUpperCase()}`;
    throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(value)} (${what}) ${EXAMPLE}`);
  }
  checkRuleBounds(options, field);
  try {
    new RRule({ ...options, dtstart: new Date(0) });
  } catch (error) {
    throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(value)} (${(error as Error).message}) ${EXAMPLE}`);
  }
  return RRule.optionsToString(options).replace(/^RRULE:/, '');
}

/** A stored rule with its DTSTART, checked as compile() checks it, without iterating. */
export function checkStoredRule(rule: string, dtstart: string, field: string): void {
  const options = new RRule({ ...RRule.parseString(rule), dtstart: new Date(Date.parse(`${dtstart}Z`)) }).options;
  checkRuleBounds(options, field);
  checkRuleReachable(options, Date.parse(`${dtstart}Z`), field);
}

interface Compiled {
  base: RRuleType;
  /** Every BYxxx part explicit, so a copy started at any period boundary yields the same dates. */
  explicit: Partial<Options>;
  startWall: number;
  /** All occurrences (wall ms) when the rule has a COUNT. */
  finite: number[] | null;
  /** Rules restarted at recent periods; queries from many jobs cluster around now, so a few serve them all. */
  anchored: Map<number, RRuleType>;
  memoAfter: number;
  memoNext: number | null;
}

const compiled = new Map<string, Compiled>();
const MAX_COMPILED = 10_000;
const MAX_ANCHORED = 64;

function compile(rule: string, dtstart: string): Compiled {
  const key = `${dtstart}\u0000${rule}`;
  let c = compiled.get(key);
  if (c !== undefined) return c;
  const startWall = Date.parse(`${dtstart}Z`);
  const base = new BoundedRRule({ ...RRule.parseString(rule), dtstart: new Date(startWall) });
  const o = base.options;
  // Rules are checked when written; stored or previewed ones are checked again before any iteration.
  checkRuleBounds(o, 'rrule');
  checkRuleReachable(o, startWall, 'rrule');
  const explicit: Partial<Options> = {
    freq: o.freq,
    interval: o.interval,
    wkst: o.wkst,
    bysetpos: o.bysetpos,
    bymonth: o.bymonth,
    bymonthday: [...o.bymonthday, ...(o.bynmonthday ?? [])],
    byyearday: o.byyearday,
    byweekno: o.byweekno,
    byweekday: o.byweekday === null && o.bynweekday === null ? null : [...(o.byweekday ?? []), ...(o.bynweekday ?? []).map(([d, n]) => new Weekday(d as number, n))],
    byhour: o.byhour,
    byminute: o.byminute,
    bysecond: o.bysecond,
    byeaster: o.byeaster,
  };
  const finite = o.count === null ? null : allOccurrences(base, o.count);
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, (c = { base, explicit, startWall, finite, anchored: new Map(), memoAfter: NaN, memoNext: null }));
  return c;
}

/** A COUNT's whole list, computed once; its search is bounded like every other. */
function allOccurrences(rule: BoundedRRule, count: number): number[] {
  const search = rule.maxPeriods;
  rule.maxPeriods = MAX_RRULE_COUNT_PERIODS;
  try {
    return rule.all().map((d) => d.getTime());
  } catch (error) {
    if (!(error instanceof RrulePeriodLimit)) throw error;
    const unit = FREQ_UNITS[rule.options.freq] ?? 'periods';
    throw new ScheduleError('rrule', `'rrule' COUNT=${count}: the occurrences span more than ${MAX_RRULE_COUNT_PERIODS} ${unit}, the most bosun lists; lower COUNT, use a coarser FREQ, or leave COUNT out and set 'until' or 'max_runs'`);
  } finally {
    rule.maxPeriods = search;
  }
}

const FIXED_SIZE: Record<number, number> = { [Frequency.DAILY]: DAY, [Frequency.HOURLY]: HOUR, [Frequency.MINUTELY]: 60_000, [Frequency.SECONDLY]: 1000 };

/** Index of the period (year, month, week from WKST, day, hour…) holding `wall`. */
function periodIndex(freq: number, wkst: number, wall: number): number {
  const d = new Date(wall);
  if (freq === Frequency.YEARLY) return d.getUTCFullYear();
  if (freq === Frequency.MONTHLY) return d.getUTCFullYear() * 12 + d.getUTCMonth();
  const day = Math.floor(wall / DAY);
  // 1970-01-01 was a Thursday: 3 counting from Monday = 0, as rrule's weekdays do.
  if (freq === Frequency.WEEKLY) return (day - ((day + 3 - wkst + 7) % 7) - wkst + 3) / 7;
  return Math.floor(wall / (FIXED_SIZE[freq] as number));
}

function periodStart(freq: number, wkst: number, index: number): number {
  if (freq === Frequency.YEARLY) return Date.UTC(index, 0, 1);
  if (freq === Frequency.MONTHLY) return Date.UTC(Math.floor(index / 12), index % 12, 1);
  if (freq === Frequency.WEEKLY) return (index * 7 + wkst - 3) * DAY;
  return index * (FIXED_SIZE[freq] as number);
}

/** Occurrences (wall ms) from the interval-aligned period holding `wall` on: the same as DTSTART's, found faster. */
function source(c: Compiled, wall: number): RRuleType | number[] {
  if (c.finite !== null) return c.finite;
  const { freq, interval, wkst } = c.explicit as Options & { wkst: number };
  const first = periodIndex(freq, wkst, c.startWall);
  const aligned = first + Math.floor((periodIndex(freq, wkst, wall) - first) / interval) * interval;
  if (aligned <= first) return c.base;
  let rule = c.anchored.get(aligned);
  if (rule === undefined) {
    if (c.anchored.size >= MAX_ANCHORED) c.anchored.clear();
    c.anchored.set(aligned, (rule = new BoundedRRule({ ...c.explicit, dtstart: new Date(periodStart(freq, wkst, aligned)) })));
  }
  return rule;
}

function between(src: RRuleType | number[], from: number, to: number): number[] {
  if (Array.isArray(src)) return src.filter((w) => w >= from && w <= to);
  return src.between(new Date(from), new Date(to), true).map((d) => d.getTime());
}

function atOrAfter(src: RRuleType | number[], from: number): number | null {
  if (Array.isArray(src)) return src.find((w) => w >= from) ?? null;
  return src.after(new Date(from), true)?.getTime() ?? null;
}

/** Latest wall occurrence at or before `to`, looking back 1, 2, 4… periods before iterating from DTSTART. */
function lastAtOrBefore(c: Compiled, to: number): number | null {
  if (c.finite !== null) return c.finite.findLast((w) => w <= to) ?? null;
  const { freq, interval } = c.explicit as Options;
  const size = (FIXED_SIZE[freq] ?? (freq === Frequency.YEARLY ? 366 : freq === Frequency.MONTHLY ? 31 : 7) * DAY) * interval;
  for (let back = 0; ; back = back === 0 ? 1 : back * 2) {
    const src = source(c, to - back * size) as RRuleType;
    const found = src.before(new Date(to), true);
    if (found !== null || src === c.base) return found?.getTime() ?? null;
  }
}

/** First occurrence strictly after `afterMs` (an instant), DST mapped as in fromWall. */
export function rruleNext(rule: string, dtstart: string, timezone: string, afterMs: number): number | null {
  const c = compile(rule, dtstart);
  if (afterMs >= c.memoAfter && (c.memoNext === null || afterMs < c.memoNext)) return c.memoNext;
  let from = toWall(timezone, afterMs) - DST_SLACK;
  let next: number | null = null;
  for (;;) {
    const src = source(c, from);
    const first = atOrAfter(src, from);
    if (first === null) break;
    // Near a DST jump wall order and instant order can differ by up to the jump: compare the neighbours too.
    for (const wall of between(src, first, first + DST_SLACK)) {
      const at = fromWall(timezone, wall);
      if (at > afterMs && (next === null || at < next)) next = at;
    }
    if (next !== null) break;
    from = first + DST_SLACK + 1;
  }
  c.memoAfter = afterMs;
  c.memoNext = next;
  return next;
}

/** Latest occurrence at or before `ms`. */
export function rruleAtOrBefore(rule: string, dtstart: string, timezone: string, ms: number): number | null {
  const c = compile(rule, dtstart);
  let to = toWall(timezone, ms) + DST_SLACK;
  for (;;) {
    const last = lastAtOrBefore(c, to);
    if (last === null) return null;
    let best: number | null = null;
    for (const wall of between(source(c, last - DST_SLACK), last - DST_SLACK, last)) {
      const at = fromWall(timezone, wall);
      if (at <= ms && (best === null || at > best)) best = at;
    }
    if (best !== null) return best;
    to = last - DST_SLACK - 1;
  }
}

/** The parsed parts of a rule, for describing it. */
export function ruleOptions(rule: string): Partial<Options> {
  return RRule.parseString(rule);
}
