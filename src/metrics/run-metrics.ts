import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RunEvent, RunObserver } from './run-event.ts';

// Seconds; runs range from milliseconds (noop) to hours (backups).
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200];
// Seconds late: pg-boss polling and the wake timer keep it well under a second when healthy.
const LATENESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** The run metrics of one process, fed by the worker's RunEvents. */
export function createRunMetrics(registry: Registry): RunObserver {
  const registers = [registry];
  const runs = new Counter({ name: 'bosun_runs_total', help: 'Runs that reached a final status in this process, by handler and status', labelNames: ['handler', 'status'], registers });
  const duration = new Histogram({ name: 'bosun_run_duration_seconds', help: 'Duration of each attempt, by handler and how it ended', labelNames: ['handler', 'status'], buckets: DURATION_BUCKETS, registers });
  const lateness = new Histogram({ name: 'bosun_run_lateness_seconds', help: 'Start of the first attempt minus its scheduled_for, by handler and trigger', labelNames: ['handler', 'trigger'], buckets: LATENESS_BUCKETS, registers });
  const misfires = new Counter({ name: 'bosun_misfires_total', help: 'Occurrences not run because they came due past their misfire grace time (or were coalesced)', labelNames: ['handler'], registers });
  const retries = new Counter({ name: 'bosun_retries_total', help: 'Failed attempts followed by a retry', labelNames: ['handler'], registers });
  const failures = new Counter({ name: 'bosun_failures_total', help: 'Failed or timed-out attempts (one failure row each)', labelNames: ['handler'], registers });
  // The attempts started and not yet ended, by run: the gauge is counted from it when scraped, so
  // an end told twice, or a start whose end never came before the worker stopped, cannot skew it.
  const live = new Map<string, string>();
  new Gauge({
    name: 'bosun_runs_in_progress',
    help: 'Attempts executing in this process now (from the start of the handler to the outcome recorded)',
    labelNames: ['handler'],
    registers,
    collect() {
      const counts = new Map<string, number>();
      for (const handler of live.values()) counts.set(handler, (counts.get(handler) ?? 0) + 1);
      // Handlers seen before stay at 0 rather than vanish, as inc/dec left them.
      for (const handler of seen) this.set({ handler }, counts.get(handler) ?? 0);
    },
  });
  const seen = new Set<string>();

  return (event: RunEvent) => {
    const handler = event.job.handler;
    switch (event.kind) {
      case 'started':
        live.set(event.run.run_id, handler);
        seen.add(handler);
        if (event.run.attempt === 1) {
          lateness.observe({ handler, trigger: event.run.trigger }, Math.max(0, Date.now() - event.run.scheduled_for.getTime()) / 1000);
        }
        return;
      case 'ended':
        live.delete(event.run.run_id);
        duration.observe({ handler, status: event.status }, event.ms / 1000);
        if (event.status !== 'succeeded') failures.inc({ handler });
        if (event.retrying) retries.inc({ handler });
        else runs.inc({ handler, status: event.status });
        return;
      case 'abandoned':
        if (!live.delete(event.run.run_id)) return;
        // Cancelled or reaped: its final status is counted where that happened, not here.
        duration.observe({ handler, status: 'abandoned' }, event.ms / 1000);
        return;
      case 'recorded':
        if (event.run.status === 'misfired') misfires.inc({ handler });
        if (event.run.status === 'misfired' || event.run.status === 'skipped') runs.inc({ handler, status: event.run.status });
        return;
    }
  };
}
