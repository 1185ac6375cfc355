/**
 * Occurrence maths over a parsed Schedule: next, between, first, and the coalescing "latest due".
 * Each kind answers two primitives; window, until and max_runs are applied on top, the same for all.
 */
import { cronAtOrBefore, cronNext } from './cron.ts';
import { rruleAtOrBefore, rruleNext } from './rrule.ts';
import type { Schedule } from './types.ts';
import { MAX_WINDOW_JUMPS, MAX_YEAR } from './limits.ts';
import { inWindow, lastOpen, nextOpening } from './window.ts';

const DAY = 86_400_000;
/** No occurrence after the last instant bosun stores (the end of year MAX_YEAR, UTC). */
const LAST_INSTANT = Date.UTC(MAX_YEAR, 11, 31, 23, 59, 59, 999);

/** First occurrence of the kind strictly after `after`, ignoring limits. */
function kindNext(s: Schedule, after: number): number | null {
  switch (s.kind) {
    case 'once': {
      const at = Date.parse(s.at);
      return after < at ? at : null;
    }
    case 'interval': {
      const anchor = Date.parse(s.anchor);
      return after < anchor ? anchor : anchor + (Math.floor((after - anchor) / s.everyMs) + 1) * s.everyMs;
    }
    case 'cron':
      return cronNext(s.expression, s.timezone, Math.max(after, Date.parse(s.start) - 1));
    case 'rrule':
      return rruleNext(s.rule, s.dtstart, s.timezone, after);
    case 'dates': {
      const found = s.dates.find((d) => Date.parse(d) > after);
      return found === undefined ? null : Date.parse(found);
    }
  }
}

/** Latest occurrence of the kind at or before `at`, ignoring limits. */
function kindAtOrBefore(s: Schedule, at: number): number | null {
  switch (s.kind) {
    case 'once': {
      const once = Date.parse(s.at);
      return once <= at ? once : null;
    }
    case 'interval': {
      const anchor = Date.parse(s.anchor);
      return at < anchor ? null : anchor + Math.floor((at - anchor) / s.everyMs) * s.everyMs;
    }
    case 'cron': {
      const found = cronAtOrBefore(s.expression, s.timezone, at);
      return found !== null && found >= Date.parse(s.start) ? found : null;
    }
    case 'rrule':
      return rruleAtOrBefore(s.rule, s.dtstart, s.timezone, at);
    case 'dates': {
      const found = s.dates.findLast((d) => Date.parse(d) <= at);
      return found === undefined ? null : Date.parse(found);
    }
  }
}

/** No occurrence of any kind comes before this instant. */
function earliest(s: Schedule): number {
  switch (s.kind) {
    case 'once':
      return Date.parse(s.at);
    case 'interval':
      return Date.parse(s.anchor);
    case 'cron':
      return Date.parse(s.start);
    // A DTSTART in a DST gap or overlap can map up to a few hours either way; a day is ample.
    case 'rrule':
      return Date.parse(`${s.dtstart}Z`) - DAY;
    case 'dates':
      return Date.parse(s.dates[0] ?? '');
  }
}

function untilMs(s: Schedule): number {
  return s.until === undefined ? LAST_INSTANT : Math.min(Date.parse(s.until), LAST_INSTANT);
}

function exhausted(s: Schedule, runCount: number): boolean {
  return s.maxRuns !== undefined && runCount >= s.maxRuns;
}

function nextMs(s: Schedule, after: number): number | null {
  const until = untilMs(s);
  let next = kindNext(s, after);
  for (let jumps = 0; next !== null && next <= until && s.window !== undefined && !inWindow(s.window, s.timezone, next); jumps++) {
    const open = jumps < MAX_WINDOW_JUMPS ? nextOpening(s.window, s.timezone, next) : null;
    next = open === null ? null : kindNext(s, open - 1);
  }
  return next !== null && next <= until ? next : null;
}

/** First occurrence strictly after `after`; null when the schedule is finished (until, max_runs given the runs so far, no more dates). */
export function nextOccurrence(s: Schedule, after: Date, runCount = 0): Date | null {
  if (exhausted(s, runCount)) return null;
  const next = nextMs(s, after.getTime());
  return next === null ? null : new Date(next);
}

/** Occurrences in [from, to], at most `limit`, and no more than max_runs allows after `runCount` runs. */
export function occurrencesBetween(s: Schedule, from: Date, to: Date, limit = 1000, runCount = 0): Date[] {
  const cap = Math.min(limit, s.maxRuns === undefined ? Infinity : s.maxRuns - runCount);
  const end = to.getTime();
  const found: Date[] = [];
  for (let t = nextMs(s, from.getTime() - 1); t !== null && t <= end && found.length < cap; t = nextMs(s, t)) found.push(new Date(t));
  return found;
}

/** The schedule's first occurrence: at or after its `when`, inside its window, before its `until`. */
export function firstOccurrence(s: Schedule): Date | null {
  if (exhausted(s, 0)) return null;
  const first = nextMs(s, earliest(s) - 1);
  return first === null ? null : new Date(first);
}

/**
 * Coalescing after downtime: the latest occurrence at or before `now` and after `lastScheduled`.
 * Only that one is a candidate to run (subject to misfireDecision); the ones before it are dropped.
 */
export function latestDue(s: Schedule, lastScheduled: Date | null, now: Date, runCount = 0): Date | null {
  if (exhausted(s, runCount)) return null;
  let due = kindAtOrBefore(s, Math.min(now.getTime(), untilMs(s)));
  for (let jumps = 0; due !== null && s.window !== undefined && !inWindow(s.window, s.timezone, due); jumps++) {
    const open = jumps < MAX_WINDOW_JUMPS ? lastOpen(s.window, s.timezone, due) : null;
    due = open === null ? null : kindAtOrBefore(s, open);
  }
  if (due === null || (lastScheduled !== null && due <= lastScheduled.getTime())) return null;
  return new Date(due);
}
