/**
 * APScheduler's misfire rule, which the seed's users rely on: a run still starts if it is at most
 * `graceMs` late (now ≤ scheduled + grace); a later one is recorded as misfired and skipped.
 */
export function misfireDecision(scheduledFor: Date, now: Date, graceMs: number): 'run' | 'misfired' {
  return now.getTime() - scheduledFor.getTime() <= graceMs ? 'run' : 'misfired';
}
