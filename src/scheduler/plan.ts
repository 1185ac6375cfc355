import { latestDue, misfireDecision, nextOccurrence, type Schedule } from '../schedule/index.ts';

/** The part of a job that decides its occurrences. */
export interface Plannable {
  schedule: Schedule;
  run_count: number;
  last_run_at: Date | null;
}

/**
 * Why a job is being planned: `new` when its schedule starts now (the job is created, or its
 * schedule replaced), `resume` when it is scheduled again after a pause.
 */
export type PlanStart = 'new' | 'resume';

/**
 * A `when` of "now" reaches bosun a moment after its client read the clock: an occurrence that
 * late is the job's first, not one from before it existed (at most its grace, so it still runs).
 */
const START_SLACK_MS = 1000;

/**
 * The occurrence to hold for a job that starts (or resumes) being scheduled at `now`.
 * A new schedule starts at its first occurrence at or after now: occurrences before the job (or
 * its schedule) existed are not misfires, as in APScheduler, Kubernetes CronJob and Temporal; a
 * past `when` implies no backfill. A resume runs the latest due occurrence if it is still within
 * its grace (missed while the job existed), else the next one. A schedule whose every occurrence
 * is already due (a one-shot) holds its last due one: it runs within its grace, or is recorded as
 * misfired rather than silently never run.
 */
export function planFrom(job: Plannable, now: Date, start: PlanStart): Date | null {
  const s = job.schedule;
  const due = latestDue(s, null, now, job.run_count);
  const inGrace = due !== null && misfireDecision(due, now, s.misfireGraceMs) === 'run';
  if (inGrace && (start === 'resume' || now.getTime() - due.getTime() <= START_SLACK_MS)) return due;
  const next = nextOccurrence(s, now, job.run_count);
  if (next !== null) return next;
  return inGrace || job.last_run_at === null ? due : null;
}

/** What to do with an occurrence fetched at `now`: which instant it stands for, and the instants it supersedes. */
export interface Coalesced {
  /** The instant to record and maybe run: the latest due occurrence at or after the fetched one. */
  instant: Date;
  /** True when later occurrences came due while this one waited (after downtime): it is then misfired. */
  superseded: boolean;
  decision: 'run' | 'misfired';
}

/**
 * Coalescing after downtime: of all occurrences due since `fetched`, only the latest is a
 * candidate to run; the fetched one is recorded as misfired and the ones in between are dropped.
 */
export function coalesce(schedule: Schedule, fetched: Date, now: Date, runCount: number): Coalesced {
  const latest = latestDue(schedule, new Date(fetched.getTime()), now, runCount);
  const instant = latest !== null && latest > fetched ? latest : fetched;
  return { instant, superseded: instant > fetched, decision: misfireDecision(instant, now, schedule.misfireGraceMs) };
}

/**
 * The occurrence after `instant` (run count already including it, when it ran); null when the
 * job is finished. If that one is already past when fetched, coalesce() records and skips it.
 */
export function planAfter(schedule: Schedule, instant: Date, runCount: number): Date | null {
  return nextOccurrence(schedule, instant, runCount);
}
