/**
 * Instants and times of day as users write them: ISO-8601 with or without offset, and the
 * dateutil-style short forms of the seed ("Mon Feb 20, 14:56", "20 February 2026 2:56 pm").
 */
import { ScheduleError } from '../errors.ts';
import { MAX_SCHEDULE_TEXT, MAX_YEAR, MIN_YEAR } from './limits.ts';
import { MONTH_SHORT, weekdayIndex, monthIndex } from './names.ts';
import { fromWall } from './zone.ts';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?$/;
/** "14:56", "14:56:30", "2:56pm", "2pm": a colon or a meridiem, so a bare "20" stays a day. */
const TIME = /^(\d{1,2})(?::(\d{2})(?::(\d{2}))?(am|pm)?|(am|pm))$/;
const EXAMPLES = '(expected e.g. "2026-12-01T08:00:00Z", "2026-12-01 08:00" or "Mon Feb 20, 14:56")';
const FILLER = new Set(['at', 'on', 'the', 'of']);
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/**
 * An instant; text without an offset is read in `timezone`. A year-less form takes the year of
 * `now`. As dateutil, a complete month and day win over a weekday that disagrees: the weekday is
 * ignored and `warnings`, when given, is told so (the seed's own example names the wrong day).
 */
export function parseWhen(value: unknown, timezone: string, field: string, now?: Date, warnings?: string[]): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ScheduleError(field, `'${field}' is not a valid date`);
    return inRange(value, field, value.toISOString());
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(value)} ${EXAMPLES}`);
  }
  if (value.length > MAX_SCHEDULE_TEXT) throw new ScheduleError(field, `'${field}' must be at most ${MAX_SCHEDULE_TEXT} characters`);
  const text = value.trim().toLowerCase();
  const iso = ISO.exec(text);
  return inRange(iso !== null ? fromIso(iso, timezone, field, value) : fromWords(text, timezone, field, value, now, warnings), field, value);
}

/** Instants bosun stores and computes with: UTC years MIN_YEAR to MAX_YEAR. */
function inRange(date: Date, field: string, raw: string): Date {
  const year = date.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new ScheduleError(field, `'${field}': ${JSON.stringify(raw)} is outside the years ${MIN_YEAR} to ${MAX_YEAR} (UTC) that bosun accepts`);
  }
  return date;
}

function fromIso(m: RegExpExecArray, timezone: string, field: string, raw: string): Date {
  const n = (i: number): number => Number(m[i] ?? 0);
  const fields = { year: n(1), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6), ms: Math.floor(Number(`0.${m[7] ?? 0}`) * 1000) };
  const wall = toWallMs(fields, field, raw);
  const offset = m[8];
  if (offset === undefined) return new Date(fromWall(timezone, wall));
  if (offset === 'z') return new Date(wall);
  const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset) as unknown as [string, string, string, string | undefined];
  const minutes = Number(hh) * 60 + Number(mm ?? 0);
  return new Date(wall - (sign === '-' ? -1 : 1) * minutes * 60_000);
}

function fromWords(text: string, timezone: string, field: string, raw: string, now?: Date, warnings?: string[]): Date {
  const found: { weekday?: number; month?: number; day?: number; year?: number; time?: [number, number, number]; utc?: boolean } = {};
  const once = <K extends keyof typeof found>(key: K, v: (typeof found)[K]): void => {
    if (found[key] !== undefined) throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(raw)} gives the ${key} twice ${EXAMPLES}`);
    found[key] = v;
  };
  const tokens = text.replace(/,/g, ' ').split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const next = tokens[i + 1];
    const joined = (next === 'am' || next === 'pm') && /^[\d:]+$/.test(token) ? token + tokens[++i] : token;
    const time = TIME.exec(joined);
    const day = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(token);
    if (FILLER.has(token)) continue;
    else if (time !== null) once('time', clock(time, field, raw));
    else if (/^\d{4}$/.test(token)) once('year', Number(token));
    else if (day !== null) once('day', Number(day[1]));
    else if (token === 'utc' || token === 'gmt' || token === 'z') once('utc', true);
    else if (monthIndex(token) >= 0) once('month', monthIndex(token) + 1);
    else if (weekdayIndex(token) >= 0) once('weekday', weekdayIndex(token));
    else throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(raw)} ${EXAMPLES}`);
  }
  if (found.month === undefined || found.day === undefined) {
    throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(raw)} needs a month and a day ${EXAMPLES}`);
  }
  if (found.year === undefined && now === undefined) {
    throw new ScheduleError(field, `'${field}': ${JSON.stringify(raw)} has no year; add one`);
  }
  const year = found.year ?? (now as Date).getUTCFullYear();
  const [hour, minute, second] = found.time ?? [0, 0, 0];
  const wall = toWallMs({ year, month: found.month, day: found.day, hour, minute, second, ms: 0 }, field, raw);
  const weekday = (new Date(wall).getUTCDay() + 6) % 7;
  if (found.weekday !== undefined && found.weekday !== weekday) {
    const date = `${(MONTH_SHORT[found.month - 1] ?? '').replace(/^./, (c) => c.toUpperCase())} ${found.day}, ${year}`;
    warnings?.push(`${field}: '${raw.trim()}' says ${DAY_NAMES[found.weekday]}, but ${date} is a ${DAY_NAMES[weekday]}; the weekday was ignored`);
  }
  return new Date(found.utc === true ? wall : fromWall(timezone, wall));
}

function clock(m: RegExpExecArray, field: string, raw: string): [number, number, number] {
  let hour = Number(m[1]);
  const meridiem = m[4] ?? m[5];
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) throw new ScheduleError(field, `'${field}': ${JSON.stringify(raw)} has an hour that is not 1–12 with ${meridiem}`);
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  return [hour, Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** Local fields → wall milliseconds, refusing values a calendar does not have (Feb 30, 25:00). */
function toWallMs(f: Fields, field: string, raw: string): number {
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms);
  const d = new Date(wall);
  if (d.getUTCMonth() !== f.month - 1 || d.getUTCDate() !== f.day || f.hour > 23 || f.minute > 59 || f.second > 59) {
    throw new ScheduleError(field, `'${field}': ${JSON.stringify(raw)} is not a real date and time`);
  }
  return wall;
}

/** Milliseconds since local midnight of "HH:MM" or "HH:MM:SS". */
export function parseTimeOfDay(value: unknown, field: string): number {
  const m = typeof value === 'string' ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim()) : null;
  const [h, min, s] = m === null ? [NaN, NaN, NaN] : [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (!(h <= 23 && min <= 59 && s <= 59)) {
    throw new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(value)} (expected a time of day such as "09:00" or "17:30:00")`);
  }
  return ((h * 60 + min) * 60 + s) * 1000;
}

/** "09:00" or "09:00:30" for a time of day in milliseconds. */
export function formatTimeOfDay(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(19, 23) !== '.000' || iso.slice(16, 19) !== ':00' ? iso.slice(11, 19) : iso.slice(11, 16);
}
