/**
 * Day and month names and lists as users write them: "mon-fri", ["mon", "fri"], "jun-aug", [1, 2].
 */
import { ScheduleError } from '../errors.ts';
import type { WeekdayName } from './types.ts';

/** Monday first, as ISO 8601 and RRULE count. */
export const WEEKDAYS: readonly WeekdayName[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAY_FULL = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTH_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
export const MONTH_SHORT = MONTH_FULL.map((m) => m.slice(0, 3));

/** Index (0 = Monday) of "mo", "mon", "tues", "Thursday"…; -1 if none. Two letters are enough to tell weekdays apart. */
export function weekdayIndex(token: string): number {
  const t = token.toLowerCase().replace(/\.$/, '');
  return t.length < 2 ? -1 : WEEKDAY_FULL.findIndex((full) => full.startsWith(t));
}

/** Index (0 = January) of "jan", "Sept", "february"…; -1 if none. */
export function monthIndex(token: string): number {
  const t = token.toLowerCase().replace(/\.$/, '');
  return t.length < 3 ? -1 : MONTH_FULL.findIndex((full) => full.startsWith(t));
}

/** Sorted distinct indices from a list or comma-separated text of single values and ranges; ranges may wrap ("fri-mon"). */
function parseList(value: unknown, field: string, size: number, read: (token: string) => number, expected: string): number[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' || typeof value === 'number' ? String(value).split(',') : undefined;
  if (items === undefined || items.length === 0) throw new ScheduleError(field, `'${field}' must be a list such as ${expected}`);
  const picked = new Set<number>();
  for (const item of items) {
    const text = String(item).trim();
    const ends = text.split('-').map((t) => read(t.trim()));
    const from = ends[0] ?? -1;
    const to = ends[1] ?? from;
    if (ends.length > 2 || from < 0 || to < 0) {
      throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(item)} (expected e.g. ${expected})`);
    }
    for (let i = from; ; i = (i + 1) % size) {
      picked.add(i);
      if (i === to) break;
    }
  }
  return [...picked].sort((a, b) => a - b);
}

/** Weekday names; also "weekdays" and "weekends". */
export function parseWeekdays(value: unknown, field: string): WeekdayName[] {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === 'weekdays') return WEEKDAYS.slice(0, 5);
  if (text === 'weekends') return WEEKDAYS.slice(5);
  return parseList(value, field, 7, weekdayIndex, '"mon-fri" or ["mon", "thu"]').map((i) => WEEKDAYS[i] as WeekdayName);
}

/** Months as 1–12, from names or numbers. */
export function parseMonths(value: unknown, field: string): number[] {
  const read = (t: string): number => (/^\d{1,2}$/.test(t) && Number(t) >= 1 && Number(t) <= 12 ? Number(t) - 1 : monthIndex(t));
  return parseList(value, field, 12, read, '"jun-aug" or [1, 2, 12]').map((i) => i + 1);
}

/**
 * Days of the month: 1–31, "last" (-1) or -1 … -31 counting from the end, as a list or
 * comma-separated text; distinct, in the order given. A day a month lacks (31 in April) never matches it.
 */
export function parseMonthDays(value: unknown, field: string): number[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' || typeof value === 'number' ? String(value).split(',') : undefined;
  if (items === undefined || items.length === 0) throw new ScheduleError(field, `'${field}' must be a list such as [1, 15, "last"]`);
  const days = items.map((item) => {
    const text = String(item).trim().toLowerCase();
    const n = text === 'last' ? -1 : /^-?\d{1,2}$/.test(text) ? Number(text) : NaN;
    if (!(n >= 1 && n <= 31) && !(n <= -1 && n >= -31)) {
      throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(item)} (expected days 1–31, "last" or -1 … -31 counting from the end)`);
    }
    return n;
  });
  return [...new Set(days)];
}
