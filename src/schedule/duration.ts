/**
 * Durations as the seed's users wrote them (pytimeparse) plus ISO-8601, to milliseconds and back.
 */
import { ScheduleError } from '../errors.ts';
import { MAX_INTERVAL_MS, MAX_SCHEDULE_TEXT } from './limits.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const UNITS: Record<string, number> = {};
for (const [ms, names] of [
  [WEEK, 'w wk wks week weeks'],
  [DAY, 'd dy dys day days'],
  [HOUR, 'h hr hrs hour hours'],
  [MINUTE, 'm min mins minute minutes'],
  [SECOND, 's sec secs second seconds'],
  [1, 'ms msec msecs millisecond milliseconds'],
] as const) {
  for (const name of names.split(' ')) UNITS[name] = ms;
}
/** Calendar units: not a fixed number of milliseconds, so an interval cannot express them. */
const CALENDAR_UNITS = new Set(['mo', 'mon', 'mons', 'month', 'months', 'y', 'yr', 'yrs', 'year', 'years']);

const NUMBER = String.raw`\d+(?:\.\d+)?|\.\d+`;
const UNIT_TERM = new RegExp(String.raw`(${NUMBER})\s*([a-z]+)`, 'gy');
/** [d:]h:mm:ss or m:ss, optionally with fractional seconds, at the end of the text. */
const CLOCK = /(?:^|[\s,])(?:(\d+):)??(?:(\d+):)?(\d+):(\d{2}(?:\.\d+)?)$/;
const ISO = /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

function unparseable(field: string, value: unknown): ScheduleError {
  return new ScheduleError(field, `Unable to parse '${field}': ${JSON.stringify(value)} (expected e.g. "5 hours", "5:00:00", "PT5H")`);
}

function calendarUnit(field: string, value: unknown): ScheduleError {
  return new ScheduleError(
    field,
    `'${field}' cannot be ${JSON.stringify(value)}: months and years have no fixed length; ` +
      `use cron (e.g. "0 9 1 * *") or rrule (e.g. "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9") instead`,
  );
}

/**
 * Milliseconds of a duration: a number of seconds, pytimeparse text or ISO-8601. Never negative,
 * never more than `maxMs` (a field's own bound from limits.ts; 100 years when it has none).
 */
export function parseDuration(value: unknown, field: string, maxMs = MAX_INTERVAL_MS): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value * SECOND;
  else if (typeof value === 'string') {
    if (value.length > MAX_SCHEDULE_TEXT) throw new ScheduleError(field, `'${field}' must be at most ${MAX_SCHEDULE_TEXT} characters`);
    ms = parseText(value.trim().toLowerCase(), field, value);
  }
  if (ms === undefined || Number.isNaN(ms)) throw unparseable(field, value);
  if (ms < 0) throw new ScheduleError(field, `'${field}' cannot be negative: ${JSON.stringify(value)}`);
  if (ms > maxMs) throw new ScheduleError(field, `'${field}' must be at most ${durationText(maxMs)}, got ${JSON.stringify(value)}`);
  return Math.round(ms);
}

/** A bound in words: "100 years" for the interval bound (years have no fixed length elsewhere), else formatDuration's. */
function durationText(ms: number): string {
  return ms === MAX_INTERVAL_MS ? '100 years (36525 days)' : `${formatDuration(Math.floor(ms / SECOND) * SECOND)} (${ms} ms)`;
}

function parseText(text: string, field: string, raw: string): number | undefined {
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * SECOND;
  if (text.startsWith('p')) return parseIso(text, field, raw);

  let rest = text;
  let ms = 0;
  const clock = CLOCK.exec(rest);
  if (clock !== null) {
    const [, days, hours, minutes, seconds] = clock;
    // "4:13" is m:ss, "5:00:00" is h:mm:ss, "1:02:03:04" is d:hh:mm:ss, as in pytimeparse.
    const parts = [days, hours, minutes].filter((p) => p !== undefined).map(Number);
    const [d, h, m] = parts.length === 3 ? parts : parts.length === 2 ? [0, ...parts] : [0, 0, ...parts];
    ms = (d ?? 0) * DAY + (h ?? 0) * HOUR + (m ?? 0) * MINUTE + Number(seconds) * SECOND;
    rest = rest.slice(0, clock.index).replace(/[\s,]+$/, '');
  }
  rest = rest.replace(/\band\b/g, ' ').replace(/[\s,]+/g, ' ').trim();
  UNIT_TERM.lastIndex = 0;
  while (rest !== '' && UNIT_TERM.lastIndex < rest.length) {
    const term = UNIT_TERM.exec(rest);
    if (term === null) return undefined;
    const [, amount, unit] = term as unknown as [string, string, string];
    if (CALENDAR_UNITS.has(unit)) throw calendarUnit(field, raw);
    const size = UNITS[unit];
    if (size === undefined) return undefined;
    ms += Number(amount) * size;
    if (rest[UNIT_TERM.lastIndex] === ' ') UNIT_TERM.lastIndex++;
  }
  return ms;
}

function parseIso(text: string, field: string, raw: string): number | undefined {
  const m = ISO.exec(text);
  if (m === null || text === 'p' || text.endsWith('t')) return undefined;
  const n = (i: number): number => Number((m[i] ?? '0').replace(',', '.'));
  if (n(1) !== 0 || n(2) !== 0) throw calendarUnit(field, raw);
  return n(3) * WEEK + n(4) * DAY + n(5) * HOUR + n(6) * MINUTE + n(7) * SECOND;
}

/** "1 week", "2 days", "5 hours" when the largest unit that fits divides exactly, else "[N days, ]h:mm:ss[.mmm]"; parseDuration reads both back. */
export function formatDuration(ms: number): string {
  const unit = ([[WEEK, 'week'], [DAY, 'day'], [HOUR, 'hour'], [MINUTE, 'minute'], [SECOND, 'second']] as const).find(([size]) => ms >= size);
  if (unit !== undefined && ms % unit[0] === 0) return `${ms / unit[0]} ${unit[1]}${ms === unit[0] ? '' : 's'}`;
  const days = Math.floor(ms / DAY);
  const rest = ms - days * DAY;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const fraction = rest % SECOND === 0 ? '' : `.${String(rest % SECOND).padStart(3, '0')}`;
  const clock = `${Math.floor(rest / HOUR)}:${pad(Math.floor(rest / MINUTE) % 60)}:${pad(Math.floor(rest / SECOND) % 60)}${fraction}`;
  return days === 0 ? clock : `${days} day${days === 1 ? '' : 's'}, ${clock}`;
}
