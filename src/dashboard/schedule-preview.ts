import { ValidationError } from '../errors.ts';
import { describeSchedule, nextOccurrence, readStoredSchedule, type Schedule } from '../schedule/index.ts';

/** At most this many schedules per request (a page of the jobs list) and occurrences per schedule, so a preview stays cheap. */
export const MAX_PREVIEW_SCHEDULES = 100;
export const MAX_PREVIEW_OCCURRENCES = 20;
/**
 * Milliseconds of occurrence maths one request may spend; schedules not reached by then get an
 * `error` saying so. Each occurrence is bounded on its own (src/schedule/limits.ts), so the event
 * loop is held at most this long plus one occurrence.
 */
export const PREVIEW_BUDGET_MS = 10;

/** What the browser asks about one stored schedule (a job's `schedule` as the API returns it). */
export interface PreviewRequest {
  schedule: Schedule;
  run_count: number;
}

/** The schedule in words and its next occurrences; `error` instead when it cannot be read. */
export type Preview = { description: string; upcoming: string[] } | { error: string };

/**
 * Checks the body of `POST /dashboard/schedule-preview`: `{schedules: [{schedule, run_count?}], count?}`.
 * Each schedule is checked as bosun checks a new one (an `invalid-schedule` naming it otherwise),
 * before any occurrence is computed.
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
    if (!Number.isSafeInteger(run_count) || (run_count as number) < 0) throw new ValidationError(`${field}.run_count: expected a whole number`, { field: `${field}.run_count` });
    return { schedule: readStoredSchedule(schedule, `${field}.schedule`), run_count: run_count as number };
  });
  return { items, count: count as number };
}

/** Describes each schedule and lists its next `count` occurrences after `now`, within PREVIEW_BUDGET_MS. */
export function previewSchedules(items: PreviewRequest[], count: number, now: Date, clock: () => number = () => performance.now()): Preview[] {
  const deadline = clock() + PREVIEW_BUDGET_MS;
  return items.map(({ schedule, run_count }) => {
    try {
      const upcoming: string[] = [];
      let after = now;
      for (let i = 0; i < count; i++) {
        if (clock() > deadline) return { error: `not previewed: this request used its ${PREVIEW_BUDGET_MS} ms of schedule maths; ask for fewer schedules` };
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
