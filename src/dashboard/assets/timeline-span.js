// What the runs timeline spans and how its lanes are labelled: pure functions, tested in Node.
// A range of 24 hours whose runs all happened in the last ten minutes would squash every run
// against the right edge, so the axis is fitted to the runs drawn, within the range chosen.

/** The shortest span drawn, so one short run is a readable mark, not the whole width. */
export const MIN_SPAN_MS = 60_000;
/** Room left before the first run and after the last one, as a share of their span. */
const PAD = 0.05;

/** When a run starts on the axis and when its mark ends (now for one still running). */
export function runExtent(run, now) {
  const start = Date.parse(run.started_at ?? run.scheduled_for);
  const end = run.finished_at ? Date.parse(run.finished_at) : run.status === 'running' ? now : start;
  return { start, end: Math.max(start, end) };
}

/**
 * The axis for `runs` within the range [since, until]: from a little before the first run to a
 * little after the last (so the runs sit in the middle, not against an edge), at least MIN_SPAN_MS
 * wide, never starting before `since`. `fitted` says whether that is narrower than the range (the
 * caption then names it); otherwise the axis is the range itself.
 */
export function fitSpan(runs, since, until, now = until) {
  const extents = runs.map((r) => runExtent(r, now)).filter((e) => Number.isFinite(e.start));
  if (extents.length === 0) return { from: since, to: until, fitted: false };
  const lo = Math.min(...extents.map((e) => e.start));
  const hi = Math.max(...extents.map((e) => e.end));
  const pad = Math.max((hi - lo) * PAD, 1000);
  let from = lo - pad;
  let to = hi + pad;
  if (to - from < MIN_SPAN_MS) {
    const grow = (MIN_SPAN_MS - (to - from)) / 2;
    from -= grow;
    to += grow;
  }
  // Never before the range: the span keeps its width, shifted right (a little past now is fine).
  if (from < since) {
    to += since - from;
    from = since;
  }
  const fitted = from > since || to < until;
  return fitted ? { from, to, fitted } : { from: since, to: until, fitted: false };
}

/** Tick labels fine enough for the span: seconds under 10 minutes, days beyond 2 days. */
export function tickFormat(spanMs) {
  if (spanMs < 10 * 60_000) return { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  if (spanMs <= 2 * 86_400_000) return { hour: '2-digit', minute: '2-digit' };
  return { month: 'short', day: 'numeric', hour: '2-digit' };
}

/** A lane's label within `max` characters: long ids keep their head and tail (UUIDs differ at both). */
export function laneLabel(name, max) {
  const s = String(name);
  if (s.length <= max) return s;
  if (max < 6) return `${s.slice(0, Math.max(1, max - 1))}…`;
  const tail = Math.min(4, Math.floor((max - 1) / 3));
  return `${s.slice(0, max - 1 - tail)}…${s.slice(-tail)}`;
}
