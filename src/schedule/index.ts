/**
 * The schedule module: parsing what users write into a Schedule and answering "when next".
 * Pure: no I/O, and no clock reads except the `now` callers pass in.
 */
export type { DatesSchedule, CronSchedule, IntervalSchedule, OnceSchedule, RruleSchedule, Schedule, ScheduleInput, ScheduleKind, ScheduleWindow, WeekdayName } from './types.ts';
export { parseSchedule, type ParseOptions } from './parse.ts';
export { firstOccurrence, latestDue, nextOccurrence, occurrencesBetween } from './occurrence.ts';
export { misfireDecision } from './misfire.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { parseWhen } from './when.ts';
export { describeSchedule } from './describe.ts';
export { readStoredSchedule } from './stored.ts';
