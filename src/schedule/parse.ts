/**
 * ScheduleInput → Schedule: every field checked once, errors naming the field as the user wrote it.
 */
import { ScheduleError } from '../errors.ts';
import { monthlyRule, weeklyRule } from './calendar.ts';
import { normalizeCron } from './cron.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { firstOccurrence } from './occurrence.ts';
import { normalizeRrule } from './rrule.ts';
import type { Schedule, ScheduleInput } from './types.ts';
import { MAX_DATES, MAX_RUNS, MAX_SHORT_DURATION_MS, MAX_WINDOW_JUMPS, MIN_INTERVAL_MS } from './limits.ts';
import { parseWhen } from './when.ts';
import { parseWindow } from './window.ts';
import { canonicalZone, formatInstant, toWall } from './zone.ts';

const TRIGGERS = ['periodically', 'cron', 'rrule', 'dates', 'weekly', 'monthly'] as const;
type Trigger = (typeof TRIGGERS)[number];
const DEFAULT_GRACE_MS = 1000;
const DAY = 86_400_000;

/** YAML's empty `when:` is null; query strings send "". Both mean "not given". */
function given(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** Local wall clock as RFC 5545 floating DTSTART text, e.g. "2026-03-02T00:00:00". */
function wallText(wall: number): string {
  return new Date(wall).toISOString().slice(0, 23).replace(/\.000$/, '');
}

/** How strict parsing is about time that has already passed. */
export interface ParseOptions {
  /**
   * Accept a `when`, `dates` or `until` in the past. Committed YAML files are read again at
   * every startup, long after their one-shot time: there a past time is history, not a mistake.
   */
  allowPast?: boolean;
  /** Told what was accepted with a reinterpretation (a weekday that disagrees with its date). */
  warnings?: string[];
}

export function parseSchedule(input: ScheduleInput, now: Date, options: ParseOptions = {}): Schedule {
  const allowPast = options.allowPast === true;
  const present = TRIGGERS.filter((t) => given(input[t]));
  if (present.length > 1) {
    throw new ScheduleError(present[1] as string, `Give only one of ${TRIGGERS.map((t) => `'${t}'`).join(', ')}; got '${present[0]}' and '${present[1]}'`);
  }
  const trigger: Trigger | undefined = present[0];
  const timezone = canonicalZone(input.timezone);
  const misfireGraceMs = given(input.misfire_grace_time) ? parseDuration(input.misfire_grace_time, 'misfire_grace_time', MAX_SHORT_DURATION_MS) : DEFAULT_GRACE_MS;
  const when = given(input.when) ? parseWhen(input.when, timezone, 'when', now, options.warnings) : undefined;
  const base = { timezone, misfireGraceMs };
  const dtstart = (): string => wallText(when === undefined ? Math.floor(toWall(timezone, now.getTime()) / DAY) * DAY : toWall(timezone, when.getTime()));

  let schedule: Schedule;
  switch (trigger) {
    case undefined: {
      const at = when ?? now;
      if (!allowPast && at.getTime() + misfireGraceMs < now.getTime()) {
        throw new ScheduleError('when', `'when' is in the past (${formatInstant(timezone, at.getTime())}); a one-shot job needs a future time, or leave 'when' out to run now`);
      }
      schedule = { kind: 'once', at: at.toISOString(), ...base };
      break;
    }
    case 'periodically': {
      const everyMs = parseDuration(input.periodically, 'periodically');
      if (everyMs < MIN_INTERVAL_MS) throw new ScheduleError('periodically', `'periodically' must be at least 1 second, got ${JSON.stringify(input.periodically)}`);
      // Without `when` the first run is one interval from creation, as in the seed.
      schedule = { kind: 'interval', everyMs, anchor: (when ?? new Date(now.getTime() + everyMs)).toISOString(), ...base };
      break;
    }
    case 'cron':
      schedule = { kind: 'cron', expression: normalizeCron(input.cron, timezone), start: (when ?? now).toISOString(), ...base };
      break;
    case 'rrule':
    case 'weekly':
    case 'monthly': {
      const rule = trigger === 'rrule' ? normalizeRrule(input.rrule) : trigger === 'weekly' ? weeklyRule(input.weekly) : monthlyRule(input.monthly);
      schedule = { kind: 'rrule', rule, dtstart: dtstart(), ...base };
      break;
    }
    case 'dates': {
      if (when !== undefined) throw new ScheduleError('when', `'dates' already lists the run times; leave 'when' out`);
      const list: unknown[] = Array.isArray(input.dates) ? input.dates : [input.dates];
      if (list.length > MAX_DATES) throw new ScheduleError('dates', `'dates' may list at most ${MAX_DATES} instants, got ${list.length}`);
      const instants = list.map((d, i) => parseWhen(d, timezone, `dates[${i}]`, now, options.warnings).getTime());
      const sorted = [...new Set(instants)].sort((a, b) => a - b);
      if (!allowPast && (sorted.at(-1) ?? 0) + misfireGraceMs < now.getTime()) throw new ScheduleError('dates', `Every one of 'dates' is in the past`);
      const dates = sorted.map((ms) => new Date(ms).toISOString());
      schedule = { kind: 'dates', dates, ...base };
      break;
    }
  }

  if (given(input.until)) schedule.until = parseWhen(input.until, timezone, 'until', now, options.warnings).toISOString();
  if (given(input.max_runs)) schedule.maxRuns = parseMaxRuns(input.max_runs);
  const window = parseWindow(input.window);
  if (window !== undefined) schedule.window = window;
  refuseNever(schedule, trigger ?? 'when', now, allowPast);
  return schedule;
}

function parseMaxRuns(value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_RUNS) {
    throw new ScheduleError('max_runs', `'max_runs' must be a whole number of at least 1 and at most ${MAX_RUNS}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A schedule that can never fire is a mistake; say which part rules every occurrence out. */
function refuseNever(s: Schedule, trigger: string, now: Date, allowPast: boolean): void {
  const { until, window, ...bare } = s;
  const first = firstOccurrence(bare);
  if (first === null) throw new ScheduleError(trigger, `'${trigger}' never occurs`);
  if (window !== undefined && firstOccurrence({ ...bare, window }) === null) {
    throw new ScheduleError('window', `No occurrence of this schedule falls inside 'window' (bosun looks through its next ${MAX_WINDOW_JUMPS} openings)`);
  }
  if (until !== undefined) {
    const untilMs = Date.parse(until);
    if (!allowPast && untilMs < now.getTime()) throw new ScheduleError('until', `'until' is in the past (${formatInstant(s.timezone, untilMs)})`);
    if (firstOccurrence(s) === null) {
      const by = s.kind === 'interval' ? ` (every ${formatDuration(s.everyMs)} from ${formatInstant(s.timezone, Date.parse(s.anchor))})` : '';
      throw new ScheduleError('until', `'until' (${formatInstant(s.timezone, untilMs)}) comes before the first run${by}`);
    }
  }
}
