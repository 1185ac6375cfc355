/**
 * The shapes of a schedule: raw input as users send it, and the parsed form bosun stores
 * (jsonb: plain data only, instants as ISO-8601 UTC strings, durations in milliseconds).
 */

/** A schedule as it comes from YAML, the API or the CLI; every value still unchecked. */
export interface ScheduleInput {
  /** Repeat interval: pytimeparse forms ("1 week", "5:00:00", "2h32m"), ISO-8601 ("PT5H"), seconds. */
  periodically?: unknown;
  /** "*\/5 * * * *", 6 fields with seconds, {minute, hour, day, month, day_of_week}, or [minute, hour, month, day, day_of_week]. */
  cron?: unknown;
  /** RFC 5545 recurrence rule without DTSTART: "FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9". */
  rrule?: unknown;
  /** A list of instants, each in any `when` form. */
  dates?: unknown;
  /** {days: "mon-fri" | ["mon", "fri"], at: "09:00"} */
  weekly?: unknown;
  /** {days: [1, 15, "last"], at: "09:00"} */
  monthly?: unknown;
  /** First run (one-shot) or anchor (repeating): ISO-8601 or "Mon Feb 20, 14:56". */
  when?: unknown;
  /** IANA zone the times are read in; UTC when absent. */
  timezone?: unknown;
  until?: unknown;
  max_runs?: unknown;
  /** {between: ["09:00", "17:00"], days: "mon-fri", months: ["jun", "jul"], monthdays: [1, "last"], dates: ["2026-12-24"], from: "2026-06-01", to: "2026-08-31"} */
  window?: unknown;
  /** How late a run may still start; 1 s when absent. */
  misfire_grace_time?: unknown;
}

export type WeekdayName = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Occurrences outside the window are skipped. Times of day and days are read in the schedule's zone. */
export interface ScheduleWindow {
  /** ["HH:MM[:SS]", "HH:MM[:SS]"], start inclusive, end exclusive; an end at or before the start crosses midnight. */
  between?: [string, string];
  days?: WeekdayName[];
  /** 1 = January. */
  months?: number[];
  /** Days of the month, 1–31, or -1 … -31 counting from the end (-1: the last day). */
  monthdays?: number[];
  /** Only these dates, "YYYY-MM-DD", sorted. */
  dates?: string[];
  /** First and last date allowed, "YYYY-MM-DD", both inclusive. */
  from?: string;
  to?: string;
}

interface ScheduleBase {
  /** Canonical IANA name, "UTC" by default. */
  timezone: string;
  misfireGraceMs: number;
  /** Inclusive ISO instant after which nothing runs. */
  until?: string;
  maxRuns?: number;
  window?: ScheduleWindow;
}

export interface OnceSchedule extends ScheduleBase {
  kind: 'once';
  at: string;
}

/** Occurrences are anchor + k·everyMs: absolute time, unaffected by DST or run duration. */
export interface IntervalSchedule extends ScheduleBase {
  kind: 'interval';
  everyMs: number;
  anchor: string;
}

export interface CronSchedule extends ScheduleBase {
  kind: 'cron';
  /** Normalised 5- or 6-field expression, read in `timezone`. */
  expression: string;
  /** ISO instant; no occurrence before it. */
  start: string;
}

export interface RruleSchedule extends ScheduleBase {
  kind: 'rrule';
  /** Normalised rule without the "RRULE:" prefix. */
  rule: string;
  /** DTSTART as local wall-clock time in `timezone` ("2026-03-02T00:00:00"), as RFC 5545 DTSTART;TZID does. */
  dtstart: string;
}

export interface DatesSchedule extends ScheduleBase {
  kind: 'dates';
  /** Sorted, distinct ISO instants. */
  dates: string[];
}

export type Schedule = OnceSchedule | IntervalSchedule | CronSchedule | RruleSchedule | DatesSchedule;
export type ScheduleKind = Schedule['kind'];
