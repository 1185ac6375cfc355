/**
 * Akjob's calendar forms, compiled to RRULE text so one evaluator serves them:
 *   weekly:  {days: "mon-fri" | ["mon", "fri"], at: "09:00"}
 *   monthly: {days: [1, 15, "last"], at: "09:00"}   (31 runs only in months that have a 31st)
 */
import { ScheduleError } from '../errors.ts';
import { parseMonthDays, parseWeekdays } from './names.ts';
import { parseTimeOfDay } from './when.ts';

type Form = 'weekly' | 'monthly';
const EXAMPLE: Record<Form, string> = {
  weekly: '{days: ["mon", "fri"], at: "09:00"}',
  monthly: '{days: [1, 15, "last"], at: "09:00"}',
};

function fields(value: unknown, form: Form): { days: unknown; at: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScheduleError(form, `'${form}' must be an object such as ${EXAMPLE[form]}`);
  }
  const unknown = Object.keys(value).find((k) => k !== 'days' && k !== 'at');
  if (unknown !== undefined) throw new ScheduleError(`${form}.${unknown}`, `Unknown '${form}.${unknown}' (known: days, at)`);
  const { days, at } = value as Record<string, unknown>;
  if (days === undefined || days === null) throw new ScheduleError(`${form}.days`, `'${form}.days' is required, e.g. ${EXAMPLE[form]}`);
  if (at === undefined || at === null) throw new ScheduleError(`${form}.at`, `'${form}.at' is required, e.g. ${EXAMPLE[form]}`);
  return { days, at };
}

function timeParts(at: unknown, form: Form): string {
  const ms = parseTimeOfDay(at, `${form}.at`) / 1000;
  return `BYHOUR=${Math.floor(ms / 3600)};BYMINUTE=${Math.floor(ms / 60) % 60};BYSECOND=${ms % 60}`;
}

export function weeklyRule(value: unknown): string {
  const { days, at } = fields(value, 'weekly');
  const byday = parseWeekdays(days, 'weekly.days').map((d) => d.slice(0, 2).toUpperCase());
  return `FREQ=WEEKLY;BYDAY=${byday.join(',')};${timeParts(at, 'weekly')}`;
}

export function monthlyRule(value: unknown): string {
  const { days, at } = fields(value, 'monthly');
  const bymonthday = parseMonthDays(days, 'monthly.days');
  return `FREQ=MONTHLY;BYMONTHDAY=${bymonthday.join(',')};${timeParts(at, 'monthly')}`;
}
