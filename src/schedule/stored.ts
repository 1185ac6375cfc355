/**
 * A stored schedule (the parsed form, as job views return it) read back from an untrusted place,
 * such as the dashboard's preview request: every part checked against the same rules and bounds
 * as when it was first parsed, before any occurrence is computed.
 */
import { ScheduleError } from '../errors.ts';
import { normalizeCron } from './cron.ts';
import { MAX_DATES, MAX_INTERVAL_MS, MAX_RUNS, MAX_SHORT_DURATION_MS, MAX_YEAR, MIN_INTERVAL_MS, MIN_YEAR } from './limits.ts';
import { checkStoredRule, normalizeRrule } from './rrule.ts';
import type { Schedule, ScheduleKind } from './types.ts';
import { parseWhen } from './when.ts';
import { parseWindow } from './window.ts';
import { canonicalZone } from './zone.ts';

const KINDS: readonly ScheduleKind[] = ['once', 'interval', 'cron', 'rrule', 'dates'];
/** RFC 5545 floating DTSTART as bosun stores it. */
const DTSTART = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?$/;

function whole(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ScheduleError(field, `'${field}' must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `prefix` names the schedule in errors, e.g. "schedules[3].schedule". */
export function readStoredSchedule(value: unknown, prefix: string): Schedule {
  try {
    return read(value, prefix);
  } catch (error) {
    // The parsers name fields as users write them ("cron", "window.days"); say which schedule.
    if (error instanceof ScheduleError && error.field !== undefined && !error.field.startsWith(prefix)) {
      throw new ScheduleError(`${prefix}.${error.field}`, error.message);
    }
    throw error;
  }
}

function read(value: unknown, prefix: string): Schedule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScheduleError(prefix, `'${prefix}' must be a stored schedule object`);
  const s = value as Record<string, unknown>;
  const field = (name: string): string => `${prefix}.${name}`;
  const instant = (name: string, v: unknown): string => parseWhen(v, 'UTC', name).toISOString();
  const kind = s.kind as ScheduleKind;
  if (!KINDS.includes(kind)) throw new ScheduleError(prefix, `'${prefix}' must be a stored schedule whose kind is one of ${KINDS.join(', ')}`);
  const timezone = canonicalZone(s.timezone, field('timezone'));
  const base = { timezone, misfireGraceMs: whole(s.misfireGraceMs, field('misfireGraceMs'), 0, MAX_SHORT_DURATION_MS) };
  let schedule: Schedule;
  switch (kind) {
    case 'once':
      schedule = { kind, at: instant(field('at'), s.at), ...base };
      break;
    case 'interval':
      schedule = { kind, everyMs: whole(s.everyMs, field('everyMs'), MIN_INTERVAL_MS, MAX_INTERVAL_MS), anchor: instant(field('anchor'), s.anchor), ...base };
      break;
    case 'cron':
      if (typeof s.expression !== 'string' || s.expression.length > 200) throw new ScheduleError(field('expression'), `'${field('expression')}' must be a cron expression`);
      schedule = { kind, expression: normalizeCron(s.expression, timezone), start: instant(field('start'), s.start), ...base };
      break;
    case 'rrule': {
      const year = typeof s.dtstart === 'string' ? DTSTART.exec(s.dtstart)?.[1] : undefined;
      if (year === undefined || Number(year) < MIN_YEAR || Number(year) > MAX_YEAR || Number.isNaN(Date.parse(`${s.dtstart as string}Z`))) {
        throw new ScheduleError(field('dtstart'), `'${field('dtstart')}' must be a local time such as "2026-03-02T09:00:00", years ${MIN_YEAR} to ${MAX_YEAR}`);
      }
      const rule = normalizeRrule(s.rule, field('rule'));
      checkStoredRule(rule, s.dtstart as string, field('rule'));
      schedule = { kind, rule, dtstart: s.dtstart as string, ...base };
      break;
    }
    case 'dates': {
      if (!Array.isArray(s.dates) || s.dates.length === 0 || s.dates.length > MAX_DATES) {
        throw new ScheduleError(field('dates'), `'${field('dates')}' must list 1 to ${MAX_DATES} instants`);
      }
      const dates = s.dates.map((d, i) => Date.parse(instant(`${field('dates')}[${i}]`, d)));
      schedule = { kind, dates: [...new Set(dates)].sort((a, b) => a - b).map((ms) => new Date(ms).toISOString()), ...base };
      break;
    }
  }
  if (s.until !== undefined && s.until !== null) schedule.until = instant(field('until'), s.until);
  if (s.maxRuns !== undefined && s.maxRuns !== null) schedule.maxRuns = whole(s.maxRuns, field('maxRuns'), 1, MAX_RUNS);
  const window = parseWindow(s.window);
  if (window !== undefined) schedule.window = window;
  return schedule;
}
