/**
 * One line of English for a schedule, for the API, CLI and dashboard:
 * "every 5 hours from 14:56 UTC", "at 09:00 on Mon and Fri (Europe/Paris)", "once at 2026-12-01 08:00 UTC".
 * Every time in it is read in the schedule's zone, named once at the end.
 */
import { formatDuration } from './duration.ts';
import { MONTH_SHORT, WEEKDAYS } from './names.ts';
import { ruleOptions } from './rrule.ts';
import type { Schedule, ScheduleWindow } from './types.ts';
import { formatTimeOfDay } from './when.ts';
import { formatWall, toWall, zoneSuffix } from './zone.ts';

const DAY = 86_400_000;
const RRULE_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

export function describeSchedule(s: Schedule): string {
  const parts = [trigger(s)];
  if (s.window !== undefined) parts.push(`only ${windowText(s.window)}`);
  if (s.until !== undefined) parts.push(`until ${wallOf(s, s.until)}`);
  if (s.maxRuns !== undefined) parts.push(`at most ${s.maxRuns} run${s.maxRuns === 1 ? '' : 's'}`);
  return `${parts.join(', ')}${zoneSuffix(s.timezone)}`;
}

function wallOf(s: Schedule, iso: string): string {
  return formatWall(toWall(s.timezone, Date.parse(iso)));
}

function trigger(s: Schedule): string {
  switch (s.kind) {
    case 'once':
      return `once at ${wallOf(s, s.at)}`;
    case 'interval': {
      // When the interval divides a day, the anchor's time of day is all that distinguishes it.
      const wall = toWall(s.timezone, Date.parse(s.anchor));
      const from = DAY % s.everyMs === 0 ? formatTimeOfDay(((wall % DAY) + DAY) % DAY) : formatWall(wall);
      return `every ${formatDuration(s.everyMs).replace(/^1 /, '')} from ${from}`;
    }
    case 'cron':
      return cronText(s.expression) ?? `cron "${s.expression}"`;
    case 'rrule':
      return ruleText(s.rule) ?? `rrule "${s.rule}"`;
    case 'dates': {
      const [first, last] = [s.dates[0] ?? '', s.dates.at(-1) ?? ''];
      return s.dates.length === 1 ? `once at ${wallOf(s, first)}` : `on ${s.dates.length} dates from ${wallOf(s, first)} to ${wallOf(s, last)}`;
    }
  }
}

/** "Mon–Fri" for runs of three or more, else "Mon and Fri". */
function daysText(indices: number[]): string {
  const names = indices.map((i) => (WEEKDAYS[i] ?? '').replace(/^./, (c) => c.toUpperCase()));
  const contiguous = indices.every((d, i) => i === 0 || d === (indices[i - 1] ?? 0) + 1);
  return contiguous && names.length >= 3 ? `${names[0]}–${names.at(-1)}` : listText(names);
}

function listText(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function at(hour: number, minute: number, second: number): string {
  return `at ${formatTimeOfDay(((hour * 60 + minute) * 60 + second) * 1000)}`;
}

/** Plain-English form of "M H * * DOW" (optionally with seconds first); undefined for anything richer. */
function cronText(expression: string): string | undefined {
  const fields = expression.split(' ');
  const [second, minute, hour, day, month, dow] = fields.length === 6 ? fields : ['0', ...fields];
  if (![second, minute, hour].every((f) => /^\d+$/.test(f ?? '')) || day !== '*' || month !== '*') return undefined;
  const time = at(Number(hour), Number(minute), Number(second));
  if (dow === '*') return `${time} every day`;
  const days = (dow ?? '').split(',').map((d) => (/^\d$/.test(d) ? (Number(d) + 6) % 7 : WEEKDAYS.indexOf(d.toLowerCase().slice(0, 3) as never)));
  return days.some((d) => d < 0) ? undefined : `${time} on ${daysText([...new Set(days)].sort())}`;
}

/** Plain-English form of the weekly, monthly and daily rules that the calendar forms produce. */
function ruleText(rule: string): string | undefined {
  const o = ruleOptions(rule);
  const keys = Object.keys(o).sort().join(',');
  const one = (v: unknown): number | undefined => (typeof v === 'number' ? v : Array.isArray(v) && v.length === 1 ? (v[0] as number) : undefined);
  const [hour, minute, second] = [one(o.byhour), one(o.byminute) ?? 0, one(o.bysecond) ?? 0];
  if (hour === undefined || (o.interval ?? 1) !== 1) return undefined;
  const time = at(hour, minute, second);
  const timeKeys = ['byhour', 'byminute', 'bysecond'].filter((k) => k in o);
  if (keys === [...timeKeys, 'freq'].sort().join(',') && o.freq === 3) return `${time} every day`;
  if (keys === [...timeKeys, 'byweekday', 'freq'].sort().join(',') && o.freq === 2) {
    const days = [o.byweekday].flat().map((d) => RRULE_DAYS.indexOf(String(d)));
    return days.some((d) => d < 0) ? undefined : `${time} on ${daysText(days.sort())}`;
  }
  if (keys === [...timeKeys, 'bymonthday', 'freq'].sort().join(',') && o.freq === 1) {
    const days = [o.bymonthday].flat().map((d) => (d === -1 ? 'the last day' : `day ${d}`));
    return `${time} on ${listText(days)} of the month`;
  }
  return undefined;
}

function windowText(w: ScheduleWindow): string {
  const parts: string[] = [];
  if (w.between !== undefined) parts.push(`between ${w.between[0]} and ${w.between[1]}`);
  if (w.days !== undefined) parts.push(`on ${daysText(w.days.map((d) => WEEKDAYS.indexOf(d)))}`);
  if (w.months !== undefined) parts.push(`in ${listText(w.months.map((m) => (MONTH_SHORT[m - 1] ?? '').replace(/^./, (c) => c.toUpperCase())))}`);
  if (w.monthdays !== undefined) parts.push(`on ${listText(w.monthdays.map((d) => (d === -1 ? 'the last day' : d < 0 ? `day ${-d} from the end` : `day ${d}`)))} of the month`);
  if (w.dates !== undefined) parts.push(w.dates.length <= 3 ? `on ${listText(w.dates)}` : `on ${w.dates.length} dates from ${w.dates[0]} to ${w.dates.at(-1)}`);
  if (w.from !== undefined) parts.push(`from ${w.from}`);
  if (w.to !== undefined) parts.push(`to ${w.to}`);
  return parts.join(' ');
}
