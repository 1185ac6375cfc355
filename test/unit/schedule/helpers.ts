import type { Schedule, ScheduleInput } from '../../../src/schedule/index.ts';
import { occurrencesBetween, parseSchedule } from '../../../src/schedule/index.ts';

/** The instant the tests create their schedules at: Friday 2026-02-20 14:56 UTC. */
export const NOW = new Date('2026-02-20T14:56:00Z');

export function parse(input: ScheduleInput, now = NOW): Schedule {
  return parseSchedule(input, now);
}

/** The first `n` occurrences at or after `from`, as ISO strings. */
export function firstN(s: Schedule, from: string, n: number): string[] {
  return occurrencesBetween(s, new Date(from), new Date('2100-01-01T00:00:00Z'), n).map((d) => d.toISOString());
}
