import { ValidationError } from '../errors.ts';
import { describeSchedule, nextOccurrence, type Schedule } from '../schedule/index.ts';

/** At most this many schedules per request and occurrences per schedule, so a preview stays cheap. */
export const MAX_PREVIEW_SCHEDULES = 500;
export const MAX_PREVIEW_OCCURRENCES = 20;

const KINDS = new Set(['once', 'interval', 'cron', 'rrule', 'dates']);

/** What the browser asks about one stored schedule (a job's `schedule` as the API returns it). */
export interface PreviewRequest {
  schedule: Schedule;
  run_count: number;
}

/** The schedule in words and its next occurrences; `error` instead when it cannot be read. */
export type Preview = { description: string; upcoming: string[] } | { error: string };

/**
 * Checks the body of `POST /dashboard/schedule-preview`: `{schedules: [{schedule, run_count?}], count?}`.
 * Only the shape is checked here; a schedule the maths cannot read becomes that item's `error`.
 */
export function parsePreviewBody(body: unknown): { items: PreviewRequest[]; count: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('expected a JSON object', { field: 'body' });
  const { schedules, count = 5 } = body as Record<string, unknown>;
  if (!Array.isArray(schedules)) throw new ValidationError('schedules: expected an array', { field: 'schedules' });
  if (schedules.length > MAX_PREVIEW_SCHEDULES) throw new ValidationError(`schedules: at most ${MAX_PREVIEW_SCHEDULES}`, { field: 'schedules' });
  if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > MAX_PREVIEW_OCCURRENCES) {
    throw new ValidationError(`count: expected a whole number from 0 to ${MAX_PREVIEW_OCCURRENCES}`, { field: 'count' });
  }
  const items = schedules.map((item: unknown, i): PreviewRequest => {
    const field = `schedules[${i}]`;
    if (typeof item !== 'object' || item === null) throw new ValidationError(`${field}: expected an object`, { field });
    const { schedule, run_count = 0 } = item as Record<string, unknown>;
    if (typeof schedule !== 'object' || schedule === null || !KINDS.has(String((schedule as { kind?: unknown }).kind))) {
      throw new ValidationError(`${field}.schedule: expected a stored schedule with a known kind`, { field: `${field}.schedule` });
    }
    if (!Number.isInteger(run_count) || (run_count as number) < 0) throw new ValidationError(`${field}.run_count: expected a whole number`, { field: `${field}.run_count` });
    return { schedule: schedule as Schedule, run_count: run_count as number };
  });
  return { items, count: count as number };
}

/** Describes each schedule and lists its next `count` occurrences after `now`. */
export function previewSchedules(items: PreviewRequest[], count: number, now: Date): Preview[] {
  return items.map(({ schedule, run_count }) => {
    try {
      const upcoming: string[] = [];
      let after = now;
      for (let i = 0; i < count; i++) {
        const next = nextOccurrence(schedule, after, run_count + i);
        if (next === null) break;
        upcoming.push(next.toISOString());
        after = next;
      }
      return { description: describeSchedule(schedule), upcoming };
    } catch (err) {
      // A stored schedule is written by bosun itself; one it cannot read is shown as such, not hidden.
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
}
