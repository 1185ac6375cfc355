/**
 * Active windows: occurrences outside them are skipped. All checks run on wall-clock time in the
 * schedule's zone. A window is a set of daily intervals; an overnight one (22:00–06:00) belongs to
 * the day it opens, so days: [fri] with 22:00–06:00 covers Friday night into Saturday morning.
 * The days allowed are the days of every list given: weekdays, months, days of the month
 * (Akjob's, with "last"), specific dates and a range of dates (`from`/`to`, inclusive).
 */
import { ScheduleError } from '../errors.ts';
import { MAX_WINDOW_DATES, MAX_YEAR, MIN_YEAR } from './limits.ts';
import { parseMonthDays, parseMonths, parseWeekdays, WEEKDAYS } from './names.ts';
import type { ScheduleWindow } from './types.ts';
import { formatTimeOfDay, parseTimeOfDay } from './when.ts';
import { fromWall, toWall } from './zone.ts';

const DAY = 86_400_000;
/** Enough days to reach any allowed weekday of any allowed month, whatever the combination. */
const SCAN_DAYS = 800;
const KEYS = ['between', 'days', 'months', 'monthdays', 'dates', 'from', 'to'];
const EXAMPLE = '{between: ["09:00", "17:00"], days: "mon-fri", months: ["jun-aug"], monthdays: [1, "last"], dates: ["2026-12-24"], from: "2026-06-01", to: "2026-08-31"}';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date "YYYY-MM-DD" as the wall-clock midnight that starts it (ms); refuses what is no date. */
function dateWall(value: unknown, field: string): number {
  // YAML may hand a date over as a Date (an unquoted 2026-12-24 in some schemas).
  const text = value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value;
  const m = typeof text === 'string' ? DATE.exec(text.trim()) : null;
  if (m === null) throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(value)?.slice(0, 80)} (expected a date such as "2026-12-24")`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const wall = Date.UTC(year, month - 1, day);
  if (new Date(wall).getUTCDate() !== day || month < 1 || month > 12) throw new ScheduleError(field, `'${field}': ${JSON.stringify(text)} is not a date of the calendar`);
  if (year < MIN_YEAR || year > MAX_YEAR) throw new ScheduleError(field, `'${field}': ${JSON.stringify(text)} is outside the years ${MIN_YEAR} to ${MAX_YEAR} that bosun accepts`);
  return wall;
}

const formatDate = (wall: number): string => new Date(wall).toISOString().slice(0, 10);

function parseDates(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new ScheduleError('window.dates', `'window.dates' must be a list of dates such as ["2026-12-24", "2026-12-31"]`);
  if (value.length > MAX_WINDOW_DATES) throw new ScheduleError('window.dates', `'window.dates' may list at most ${MAX_WINDOW_DATES} dates, got ${value.length}`);
  const walls = new Set(value.map((d, i) => dateWall(d, `window.dates[${i}]`)));
  return [...walls].sort((a, b) => a - b).map(formatDate);
}

export function parseWindow(value: unknown): ScheduleWindow | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ScheduleError('window', `'window' must be an object such as ${EXAMPLE}`);
  const input = value as Record<string, unknown>;
  const unknown = Object.keys(input).find((k) => !KEYS.includes(k));
  if (unknown !== undefined) throw new ScheduleError(`window.${unknown}`, `Unknown 'window.${unknown}' (known: ${KEYS.join(', ')})`);
  const given = (key: string) => input[key] !== undefined && input[key] !== null;
  const window: ScheduleWindow = {};
  if (given('between')) {
    const b = input.between;
    if (!Array.isArray(b) || b.length !== 2) throw new ScheduleError('window.between', `'window.between' must be two times of day, e.g. ["09:00", "17:00"]`);
    const [start, end] = [parseTimeOfDay(b[0], 'window.between'), parseTimeOfDay(b[1], 'window.between')];
    if (start === end) throw new ScheduleError('window.between', `'window.between' starts and ends at the same time; leave it out for the whole day`);
    window.between = [formatTimeOfDay(start), formatTimeOfDay(end)];
  }
  if (given('days')) window.days = parseWeekdays(input.days, 'window.days');
  if (given('months')) window.months = parseMonths(input.months, 'window.months');
  if (given('monthdays')) window.monthdays = parseMonthDays(input.monthdays, 'window.monthdays');
  if (given('dates')) window.dates = parseDates(input.dates);
  if (given('from')) window.from = formatDate(dateWall(input.from, 'window.from'));
  if (given('to')) window.to = formatDate(dateWall(input.to, 'window.to'));
  if (window.from !== undefined && window.to !== undefined && window.from > window.to) {
    throw new ScheduleError('window.to', `'window.to' (${window.to}) is before 'window.from' (${window.from})`);
  }
  return Object.keys(window).length === 0 ? undefined : window;
}

interface Compiled {
  start: number;
  /** May exceed a day for overnight windows. */
  end: number;
  days: boolean[];
  months: boolean[];
  monthdays: readonly number[] | undefined;
  /** Wall midnights of the allowed dates, ascending, and as a set. */
  dates: number[] | undefined;
  dateSet: Set<number> | undefined;
  /** Wall midnights of the first and last allowed day. */
  first: number;
  last: number;
}

// Windows are compiled once per stored schedule object: a search asks the same window many times.
const compiled = new WeakMap<ScheduleWindow, Compiled>();

function compile(w: ScheduleWindow): Compiled {
  let c = compiled.get(w);
  if (c === undefined) compiled.set(w, (c = compileWindow(w)));
  return c;
}

function compileWindow(w: ScheduleWindow): Compiled {
  const [start, end] = w.between === undefined ? [0, DAY] : w.between.map((t) => parseTimeOfDay(t, 'window.between')) as [number, number];
  const days = WEEKDAYS.map((d) => w.days === undefined || w.days.includes(d));
  const months = Array.from({ length: 12 }, (_, i) => w.months === undefined || w.months.includes(i + 1));
  const dates = w.dates?.map((d) => dateWall(d, 'window.dates'));
  const first = w.from === undefined ? -Infinity : dateWall(w.from, 'window.from');
  const last = w.to === undefined ? Infinity : dateWall(w.to, 'window.to');
  return { start, end: end <= start ? end + DAY : end, days, months, monthdays: w.monthdays, dates, dateSet: dates && new Set(dates), first, last };
}

function monthdayAllowed(monthdays: readonly number[], d: Date): boolean {
  const date = d.getUTCDate();
  const length = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return monthdays.some((n) => (n > 0 ? n === date : length + n + 1 === date));
}

/** Whether the interval opening on the day starting at `dayWall` is allowed. */
function dayAllowed(c: Compiled, dayWall: number): boolean {
  if (dayWall < c.first || dayWall > c.last) return false;
  if (c.dateSet !== undefined && !c.dateSet.has(dayWall)) return false;
  const d = new Date(dayWall);
  return (c.days[(d.getUTCDay() + 6) % 7] ?? false) && (c.months[d.getUTCMonth()] ?? false) && (c.monthdays === undefined || monthdayAllowed(c.monthdays, d));
}

/**
 * The days a search visits, from `from` towards `to` (either direction), both wall midnights:
 * the listed dates in that span when there are dates, else every day of it inside from/to.
 */
function* candidateDays(c: Compiled, from: number, to: number): Generator<number> {
  const up = to >= from;
  const [lo, hi] = up ? [Math.max(from, c.first), Math.min(to, c.last)] : [Math.max(to, c.first), Math.min(from, c.last)];
  if (lo > hi) return;
  if (c.dates !== undefined) {
    const within = c.dates.filter((d) => d >= lo && d <= hi);
    yield* up ? within : within.reverse();
    return;
  }
  if (up) for (let day = lo; day <= hi; day += DAY) yield day;
  else for (let day = hi; day >= lo; day -= DAY) yield day;
}

export function inWindow(w: ScheduleWindow, timezone: string, ms: number): boolean {
  const c = compile(w);
  const wall = toWall(timezone, ms);
  const day = Math.floor(wall / DAY) * DAY;
  for (const open of [day, day - DAY]) {
    if (dayAllowed(c, open) && wall >= open + c.start && wall < open + c.end) return true;
  }
  return false;
}

/** Earliest instant at or after `ms` inside the window, or null if none within the scan. */
export function nextOpening(w: ScheduleWindow, timezone: string, ms: number): number | null {
  const c = compile(w);
  const wall = toWall(timezone, ms);
  const today = Math.floor(wall / DAY) * DAY;
  // A range or dates that start later are searched from their start, not day by day until it.
  const from = Math.max(today - DAY, c.first, c.dates?.[0] ?? -Infinity);
  // Listed dates are few (MAX_WINDOW_DATES) and searched whatever their distance.
  for (const day of candidateDays(c, from, c.dates === undefined ? from + SCAN_DAYS * DAY : Infinity)) {
    if (dayAllowed(c, day) && day + c.end > wall) return Math.max(ms, fromWall(timezone, day + c.start));
  }
  return null;
}

/** Latest instant at or before `ms` inside the window, or null if none within the scan. */
export function lastOpen(w: ScheduleWindow, timezone: string, ms: number): number | null {
  const c = compile(w);
  const wall = toWall(timezone, ms);
  const today = Math.floor(wall / DAY) * DAY;
  const from = Math.min(today, c.last, c.dates?.at(-1) ?? Infinity);
  for (const day of candidateDays(c, from, c.dates === undefined ? from - SCAN_DAYS * DAY : -Infinity)) {
    if (dayAllowed(c, day) && day + c.start <= wall) return Math.min(ms, fromWall(timezone, day + c.end) - 1);
  }
  return null;
}
