/**
 * Active windows: occurrences outside them are skipped. All checks run on wall-clock time in the
 * schedule's zone. A window is a set of daily intervals; an overnight one (22:00–06:00) belongs to
 * the day it opens, so days: [fri] with 22:00–06:00 covers Friday night into Saturday morning.
 */
import { ScheduleError } from '../errors.ts';
import { parseMonths, parseWeekdays, WEEKDAYS } from './names.ts';
import type { ScheduleWindow } from './types.ts';
import { formatTimeOfDay, parseTimeOfDay } from './when.ts';
import { fromWall, toWall } from './zone.ts';

const DAY = 86_400_000;
/** Enough days to reach any allowed weekday of any allowed month, whatever the combination. */
const SCAN_DAYS = 800;
const KEYS = ['between', 'days', 'months'];

export function parseWindow(value: unknown): ScheduleWindow | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ScheduleError('window', `'window' must be an object such as {between: ["09:00", "17:00"], days: "mon-fri", months: ["jun-aug"]}`);
  }
  const input = value as Record<string, unknown>;
  const unknown = Object.keys(input).find((k) => !KEYS.includes(k));
  if (unknown !== undefined) throw new ScheduleError(`window.${unknown}`, `Unknown 'window.${unknown}' (known: ${KEYS.join(', ')})`);
  const window: ScheduleWindow = {};
  if (input.between !== undefined && input.between !== null) {
    const b = input.between;
    if (!Array.isArray(b) || b.length !== 2) throw new ScheduleError('window.between', `'window.between' must be two times of day, e.g. ["09:00", "17:00"]`);
    const [start, end] = [parseTimeOfDay(b[0], 'window.between'), parseTimeOfDay(b[1], 'window.between')];
    if (start === end) throw new ScheduleError('window.between', `'window.between' starts and ends at the same time; leave it out for the whole day`);
    window.between = [formatTimeOfDay(start), formatTimeOfDay(end)];
  }
  if (input.days !== undefined && input.days !== null) window.days = parseWeekdays(input.days, 'window.days');
  if (input.months !== undefined && input.months !== null) window.months = parseMonths(input.months, 'window.months');
  return Object.keys(window).length === 0 ? undefined : window;
}

interface Compiled {
  start: number;
  /** May exceed a day for overnight windows. */
  end: number;
  days: boolean[];
  months: boolean[];
}

function compile(w: ScheduleWindow): Compiled {
  const [start, end] = w.between === undefined ? [0, DAY] : w.between.map((t) => parseTimeOfDay(t, 'window.between')) as [number, number];
  const days = WEEKDAYS.map((d) => w.days === undefined || w.days.includes(d));
  const months = Array.from({ length: 12 }, (_, i) => w.months === undefined || w.months.includes(i + 1));
  return { start, end: end <= start ? end + DAY : end, days, months };
}

/** Whether the interval opening on the day starting at `dayWall` is allowed. */
function dayAllowed(c: Compiled, dayWall: number): boolean {
  const d = new Date(dayWall);
  return (c.days[(d.getUTCDay() + 6) % 7] ?? false) && (c.months[d.getUTCMonth()] ?? false);
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
  for (let day = today - DAY; day <= today + SCAN_DAYS * DAY; day += DAY) {
    if (dayAllowed(c, day) && day + c.end > wall) return Math.max(ms, fromWall(timezone, day + c.start));
  }
  return null;
}

/** Latest instant at or before `ms` inside the window, or null if none within the scan. */
export function lastOpen(w: ScheduleWindow, timezone: string, ms: number): number | null {
  const c = compile(w);
  const wall = toWall(timezone, ms);
  const today = Math.floor(wall / DAY) * DAY;
  for (let day = today; day >= today - SCAN_DAYS * DAY; day -= DAY) {
    if (dayAllowed(c, day) && day + c.start <= wall) return Math.min(ms, fromWall(timezone, day + c.end) - 1);
  }
  return null;
}
