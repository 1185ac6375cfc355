// A flow drawn as its graph (inline SVG): one box per step, coloured by its status and saying it
// in words, arrows from each step to the steps waiting for it, and a legend with counts.
import { el, formatDuration, svg } from './dom.js';
import { LAYOUT, layoutFlow } from './flow-layout.js';

/** Every status a step of a flow run can have, in the order a run goes through them. */
export const STEP_STATUSES = ['waiting', 'queued', 'running', 'succeeded', 'failed', 'timed_out', 'blocked', 'skipped'];

// Which steps of a crowded layer stay drawn: the ones someone looking at a run wants to see.
const RANK = { failed: 0, timed_out: 0, running: 1, blocked: 2, queued: 3, waiting: 4, skipped: 5, succeeded: 6 };
const NAME_CHARS = 22;
const STATE_CHARS = 28;
let drawn = 0;

const words = (status) => status.replace('_', ' ');
const clip = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** Counts per status, in STEP_STATUSES order, leaving out the zeros. */
export function countByStatus(steps) {
  const counts = new Map();
  for (const s of steps) if (s.status) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return STEP_STATUSES.filter((s) => counts.has(s)).map((s) => [s, counts.get(s)]);
}

/** "2 succeeded, 1 failed, 1 blocked". */
export function countsText(steps) {
  return countByStatus(steps).map(([s, n]) => `${n} ${words(s)}`).join(', ');
}

/** The second line of a step's box: its status and how long it took, or its handler when it has no status (a declared flow). */
function stateLine(step) {
  if (!step.status) return step.handler ?? '';
  const parts = [words(step.status)];
  if (step.exit_code !== null && step.exit_code !== undefined && step.status !== 'succeeded') parts.push(`exit ${step.exit_code}`);
  if (step.elapsed_ms !== null && step.elapsed_ms !== undefined) parts.push(formatDuration(step.elapsed_ms));
  if (step.attempts > 1) parts.push(`${step.attempts} tries`);
  return parts.join(' · ');
}

function stepTitle(step) {
  const lines = [step.id, step.status ? `status: ${words(step.status)}` : `handler: ${step.handler}`];
  if (step.status && step.handler) lines.push(`handler: ${step.handler}`);
  if (step.waits?.length) lines.push(`waits for: ${step.waits.join(', ')}`);
  if (step.attempts) lines.push(`attempts: ${step.attempts}`);
  if (step.error) lines.push(`error: ${clip(step.error, 300)}`);
  return lines.join('\n');
}

/**
 * The graph of `steps` ({id, waits, status?, handler?, exit_code?, elapsed_ms?, attempts?, error?}).
 * Without statuses (a declared flow) boxes name their handler. `label` starts the text alternative;
 * `maxPerLayer` caps the boxes of a row (7 keeps 13px labels readable across a 1280px page).
 */
export function flowGraph(steps, { label = 'Flow', maxPerLayer = 7 } = {}) {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const layout = layoutFlow(steps, { maxPerLayer, rank: (id) => RANK[byId.get(id)?.status] ?? 7 });
  const marker = `flow-arrow-${++drawn}`;
  const clipId = `flow-clip-${drawn}`;
  const counts = countsText(steps);
  const summary = `${label}: ${steps.length} step${steps.length === 1 ? '' : 's'}${counts ? ` (${counts})` : ''}${layout.more.length ? `; ${layout.more.reduce((n, m) => n + m.hidden.length, 0)} not drawn` : ''}.`;

  return svg(
    'svg',
    {
      class: 'flow-graph',
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      width: layout.width,
      height: layout.height,
      role: 'img',
      'aria-label': summary,
    },
    svg('title', {}, summary),
    svg(
      'defs',
      {},
      svg('marker', { id: marker, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { class: 'arrow', d: 'M0,0 L10,5 L0,10 z' })),
      // Text never spills out of its box, whatever the font: each box's group shares this clip.
      svg('clipPath', { id: clipId }, svg('rect', { x: 4, y: 0, width: LAYOUT.nodeW - 8, height: LAYOUT.nodeH })),
    ),
    layout.edges.map((e) =>
      svg('path', {
        class: `edge from-s-${byId.get(e.from)?.status ?? 'many'}`,
        d: e.d,
        'marker-end': `url(#${marker})`,
        'data-from': e.from.startsWith('\u0000') ? 'more' : e.from,
        'data-to': e.to.startsWith('\u0000') ? 'more' : e.to,
      }),
    ),
    layout.nodes.map((box) => {
      const step = byId.get(box.id);
      const status = step.status ?? 'declared';
      return svg(
        'g',
        { class: `flow-node s-${status}`, 'data-step-id': step.id, 'data-status': status, transform: `translate(${box.x},${box.y})` },
        svg('title', {}, stepTitle(step)),
        svg('rect', { class: 'box', width: box.w, height: box.h, rx: 6 }),
        svg('text', { class: 'name', x: 10, y: 19, 'clip-path': `url(#${clipId})` }, clip(step.id, NAME_CHARS)),
        svg('text', { class: 'state', x: 10, y: 36, 'clip-path': `url(#${clipId})` }, clip(stateLine(step), STATE_CHARS)),
      );
    }),
    layout.more.map((box) => {
      const hidden = box.hidden.map((id) => byId.get(id));
      const hiddenCounts = countsText(hidden);
      return svg(
        'g',
        { class: 'flow-more', 'data-hidden': hidden.length, transform: `translate(${box.x},${box.y})` },
        svg('title', {}, `${hidden.length} more steps in this layer${hiddenCounts ? `: ${hiddenCounts}` : ''}\n${clip(box.hidden.join(', '), 400)}`),
        svg('rect', { class: 'box', width: box.w, height: box.h, rx: 6 }),
        svg('text', { class: 'name', x: 10, y: 19, 'clip-path': `url(#${clipId})` }, `+${hidden.length} more`),
        svg('text', { class: 'state', x: 10, y: 36, 'clip-path': `url(#${clipId})` }, clip(hiddenCounts || 'not drawn', STATE_CHARS)),
      );
    }),
  );
}

/** The colours of the graph in words, each with how many steps have it (all statuses, so the key never shifts). */
export function legend(steps) {
  const counts = new Map(countByStatus(steps));
  return el(
    'ul',
    { class: 'legend', 'aria-label': 'Step statuses' },
    STEP_STATUSES.map((s) =>
      el('li', { class: counts.has(s) ? null : 'none', 'data-status': s }, el('span', { class: `swatch s-${s}`, 'aria-hidden': 'true' }), words(s), el('span', { class: 'n' }, String(counts.get(s) ?? 0))),
    ),
  );
}
