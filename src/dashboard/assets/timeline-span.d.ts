// Types for timeline-span.js (a browser asset, plain JS) so the unit tests type-check.

export interface TimelineRun {
  status: string;
  scheduled_for: string;
  started_at?: string | null;
  finished_at?: string | null;
}

export declare const MIN_SPAN_MS: number;
export declare function runExtent(run: TimelineRun, now: number): { start: number; end: number };
export declare function fitSpan(runs: readonly TimelineRun[], since: number, until: number, now?: number): { from: number; to: number; fitted: boolean };
export declare function tickFormat(spanMs: number): Intl.DateTimeFormatOptions;
export declare function laneLabel(name: string, max: number): string;
