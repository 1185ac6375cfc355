// Two small inline-SVG charts: a job's run durations and outcomes, and a timeline of runs.
// Sized by viewBox and scaled by CSS; each has a text alternative, and each mark a <title>.
import { absoluteTime, formatDuration, runDuration, svg } from './dom.js';
import { laneLabel, runExtent, tickFormat } from './timeline-span.js';

// Wide enough that, scaled to a page column, labels stay near their 11px.
const W = 1000;

/** Bars in time order, height = duration, colour (and title) = outcome; the last `max` runs. */
export function durationChart(runs, max = 60) {
  const H = 160;
  const pad = { l: 56, r: 8, t: 10, b: 22 };
  const shown = runs
    .filter((r) => r.started_at || r.finished_at || r.status === 'misfired' || r.status === 'skipped')
    .sort((a, b) => Date.parse(a.started_at ?? a.scheduled_for) - Date.parse(b.started_at ?? b.scheduled_for))
    .slice(-max);
  const durations = shown.map((r) => runDuration(r) ?? 0);
  const longest = Math.max(1, ...durations);
  const slot = (W - pad.l - pad.r) / Math.max(shown.length, 1);
  const barW = Math.max(2, Math.min(24, slot * 0.7));
  const plotH = H - pad.t - pad.b;
  const counts = {};
  for (const r of shown) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const summary = `Durations of the last ${shown.length} runs: ${Object.entries(counts).map(([s, n]) => `${n} ${s.replace('_', ' ')}`).join(', ')}; longest ${formatDuration(longest)}.`;

  return svg(
    'svg',
    { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, preserveAspectRatio: 'xMinYMin meet' },
    svg('title', {}, summary),
    svg('line', { class: 'axis', x1: pad.l, x2: W - pad.r, y1: H - pad.b, y2: H - pad.b }),
    svg('line', { class: 'grid', x1: pad.l, x2: W - pad.r, y1: pad.t, y2: pad.t }),
    svg('text', { class: 'tick', x: pad.l - 6, y: pad.t + 4, 'text-anchor': 'end' }, formatDuration(longest)),
    svg('text', { class: 'tick', x: pad.l - 6, y: H - pad.b, 'text-anchor': 'end' }, '0'),
    shown.map((r, i) => {
      const d = durations[i];
      const h = Math.max(2, (d / longest) * plotH);
      const x = pad.l + i * slot + (slot - barW) / 2;
      return svg(
        'rect',
        { class: `bar s-${r.status}`, x: x.toFixed(1), y: (H - pad.b - h).toFixed(1), width: barW.toFixed(1), height: h.toFixed(1), rx: 1 },
        svg('title', {}, `${absoluteTime(r.started_at ?? r.scheduled_for)}: ${r.status.replace('_', ' ')}, ${formatDuration(runDuration(r))}`),
      );
    }),
    shown.length > 0 ? svg('text', { class: 'tick', x: pad.l, y: H - 6 }, absoluteTime(shown[0].started_at ?? shown[0].scheduled_for)) : null,
    shown.length > 1
      ? svg('text', { class: 'tick', x: W - pad.r, y: H - 6, 'text-anchor': 'end' }, absoluteTime(shown.at(-1).started_at ?? shown.at(-1).scheduled_for))
      : null,
  );
}

const LANES = 12;
/** The lane labels' font size in px (charts.css), and about how wide one character of it is. */
const LABEL_CHAR_PX = 6.4;

/**
 * One lane per job (the busiest first), each run a mark from start to finish, linked to its page;
 * each lane's label links to its job. Drawn at `width` px (the box it goes in) so its text keeps
 * its size at any screen width; the axis spans [from, to] (see fitSpan).
 */
export function timeline(runs, from, to, { runHref, jobHref, width = W, now = Date.now() }) {
  const counts = new Map();
  for (const r of runs) counts.set(r.job_id, (counts.get(r.job_id) ?? 0) + 1);
  const jobs = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const lanes = jobs.slice(0, LANES);
  const other = jobs.length > LANES;
  const laneOf = (jobId) => (lanes.includes(jobId) ? lanes.indexOf(jobId) : LANES);
  const laneH = 22;
  // The label column fits the longest label, within a third of the width; longer ids are shortened.
  const maxChars = Math.max(6, Math.floor(Math.min(width / 3, 260) / LABEL_CHAR_PX));
  const labels = [...lanes.map((id) => laneLabel(id, maxChars)), ...(other ? ['other jobs'] : [])];
  const pad = { l: Math.ceil(Math.max(...labels.map((t) => t.length), 4) * LABEL_CHAR_PX) + 14, r: 10, t: 6, b: 24 };
  const H = pad.t + labels.length * laneH + pad.b;
  const span = Math.max(1, to - from);
  const xOf = (t) => pad.l + ((Math.min(Math.max(t, from), to) - from) / span) * (width - pad.l - pad.r);
  const label = `Timeline of ${runs.length} runs of ${jobs.length} jobs from ${absoluteTime(new Date(from).toISOString())} to ${absoluteTime(new Date(to).toISOString())}.`;
  // Fewer ticks on a narrow screen, so their labels never overlap.
  const nTicks = width < 560 ? 3 : 5;
  const ticks = Array.from({ length: nTicks }, (_, i) => from + (i / (nTicks - 1)) * span);
  const short = new Intl.DateTimeFormat(undefined, tickFormat(span));

  return svg(
    'svg',
    { class: 'chart timeline', viewBox: `0 0 ${width} ${H}`, width, height: H, role: 'img', 'aria-label': label },
    svg('title', {}, label),
    ticks.map((t, i) =>
      svg(
        'g',
        {},
        svg('line', { class: 'grid', x1: xOf(t), x2: xOf(t), y1: pad.t, y2: H - pad.b }),
        svg('text', { class: 'tick', x: xOf(t), y: H - 8, 'text-anchor': i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle' }, short.format(t)),
      ),
    ),
    labels.map((text, i) => {
      const y = pad.t + i * laneH + laneH / 2 + 4;
      const node = svg('text', { class: 'lane', x: pad.l - 8, y, 'text-anchor': 'end' }, svg('title', {}, lanes[i] ?? 'other jobs'), text);
      return i < lanes.length && jobHref ? svg('a', { href: jobHref(lanes[i]), class: 'lane-link' }, node) : node;
    }),
    runs.map((r) => {
      const { start, end } = runExtent(r, now);
      const x = xOf(start);
      const w = Math.max(3, xOf(end) - x);
      const y = pad.t + laneOf(r.job_id) * laneH + 4;
      return svg(
        'a',
        { href: runHref(r) },
        svg(
          'rect',
          { class: `mark s-${r.status}`, x: x.toFixed(1), y, width: w.toFixed(1), height: laneH - 8, rx: 2 },
          svg('title', {}, `${r.job_id}: ${r.status.replace('_', ' ')} at ${absoluteTime(r.started_at ?? r.scheduled_for)}, ${formatDuration(runDuration(r, now))}`),
        ),
      );
    }),
  );
}
