/**
 * Upper bounds on what a schedule may ask for, in one place: every request's schedule work is
 * bounded, so no input can stall the event loop or overflow a column. The API, the YAML schema
 * and the docs quote these; docs/handlers-and-default-jobs.md lists them for users.
 */

const SECOND = 1000;
const DAY = 86_400 * SECOND;

/** `periodically`: at least a second, at most 100 years (of 365.25 days). */
export const MIN_INTERVAL_MS = SECOND;
export const MAX_INTERVAL_MS = 100 * 365.25 * DAY;

/** `misfire_grace_time`, `timeout`, `retry_delay`: at most 24 days, the largest a PostgreSQL `integer` of milliseconds holds. */
export const MAX_SHORT_DURATION_MS = 2_147_483_647;

/** `max_runs`: as many runs as a job could make at one a second for 30 years. */
export const MAX_RUNS = 1_000_000_000;

/** `when`, `until`, `dates[i]`: calendar years bosun reads (four-digit ISO 8601 years). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

/** `dates`: at most this many instants in one job. */
export const MAX_DATES = 1000;

/** `window.dates`: at most this many dates in one window (searched by date, never day by day). */
export const MAX_WINDOW_DATES = 1000;

/** `rrule` COUNT: the whole finite list is computed when the rule is first read. */
export const MAX_RRULE_COUNT = 1000;

/**
 * Periods (years, months, weeks, days, hours…) the rrule library may step through to answer one
 * question. A rule whose next occurrence lies further is refused
 * when created (`rrule`), so each answer costs milliseconds, however the BYxxx parts combine.
 * 500 years hold the Gregorian calendar's 400-year cycle: a YEARLY rule refused never occurs.
 */
export const MAX_RRULE_PERIODS = 500;

/**
 * `window`: a schedule that keeps landing outside its window is given up after this many jumps
 * from one opening to the next; one that lands in none of the first is refused when created.
 */
export const MAX_WINDOW_JUMPS = 64;

/** Periods a COUNT's whole list may span: as many as COUNT's bound, so FREQ=SECONDLY;COUNT=1000 fits. */
export const MAX_RRULE_COUNT_PERIODS = MAX_RRULE_COUNT;

/** Text fields of a schedule (`cron`, `rrule`, `timezone`, `when`…): longer is never a schedule. */
export const MAX_SCHEDULE_TEXT = 200;
