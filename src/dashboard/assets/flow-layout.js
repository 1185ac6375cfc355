// Where each step of a flow goes in its drawing: a layered layout, pure (no DOM) so it can be
// unit-tested in Node. Layer = the longest path from a root, so every edge points down; within a
// layer, steps sit near the steps they wait for. A layer wider than `maxPerLayer` shows its most
// telling steps (by `rank`) and one "+N more" box standing in for the rest and their edges.

/** Box size and spacing of the drawing, in SVG user units. */
export const LAYOUT = Object.freeze({ nodeW: 176, nodeH: 46, gapX: 22, gapY: 46, margin: 12, maxPerLayer: 8 });

/**
 * Layer of each step: 0 for a step that waits for nothing, else one more than the deepest step it
 * waits for. Waits naming no step are ignored; a cycle (which declaration refuses) is cut where found.
 */
export function layersOf(steps) {
  const waits = new Map(steps.map((s) => [s.id, (s.waits ?? []).filter((w) => w !== s.id)]));
  const layer = new Map();
  const visiting = new Set();
  const depth = (id) => {
    if (layer.has(id)) return layer.get(id);
    if (visiting.has(id)) return -1;
    visiting.add(id);
    let d = 0;
    for (const w of waits.get(id) ?? []) if (waits.has(w)) d = Math.max(d, depth(w) + 1);
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  // Iterative over the steps, recursive only along waits: a 1 000-step fan-out stays shallow.
  for (const s of steps) depth(s.id);
  return layer;
}

/**
 * Lays out `steps` ({id, waits}) top to bottom. `rank(id)` orders which steps of a crowded layer
 * stay visible (lower first; ties keep declaration order). Returns the drawing's size, the boxes
 * (`more` boxes carry the hidden ids), and the edges as SVG path data, deduplicated.
 */
export function layoutFlow(steps, options = {}) {
  const o = { ...LAYOUT, ...options };
  const rank = options.rank ?? (() => 0);
  const maxPerLayer = Math.max(2, o.maxPerLayer);
  const layer = layersOf(steps);
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const depth = steps.length ? Math.max(...layer.values()) + 1 : 0;
  const rows = Array.from({ length: depth }, () => []);
  for (const s of steps) rows[layer.get(s.id)].push(s.id);

  // Which box stands for each step: itself, or its layer's "+N more".
  const boxOf = new Map();
  const hiddenOf = [];
  rows.forEach((ids, l) => {
    if (ids.length <= maxPerLayer) {
      for (const id of ids) boxOf.set(id, id);
      hiddenOf[l] = [];
      return;
    }
    const byRank = [...ids].sort((a, b) => rank(a) - rank(b) || index.get(a) - index.get(b));
    const shown = new Set(byRank.slice(0, maxPerLayer - 1));
    rows[l] = ids.filter((id) => shown.has(id));
    hiddenOf[l] = ids.filter((id) => !shown.has(id));
    for (const id of ids) boxOf.set(id, shown.has(id) ? id : moreKey(l));
  });

  // Order within a layer by the mean position of the boxes waited for (one downward sweep).
  const waitsOf = new Map(steps.map((s) => [s.id, (s.waits ?? []).filter((w) => boxOf.has(w) && w !== s.id)]));
  const pos = new Map();
  rows.forEach((ids, l) => {
    if (l > 0) {
      const centre = (id) => {
        const parents = waitsOf.get(id).map((w) => pos.get(boxOf.get(w))).filter((p) => p !== undefined);
        return parents.length ? parents.reduce((a, b) => a + b, 0) / parents.length : Number.POSITIVE_INFINITY;
      };
      const key = new Map(ids.map((id) => [id, centre(id)]));
      ids.sort((a, b) => key.get(a) - key.get(b) || index.get(a) - index.get(b));
    }
    const width = ids.length + (hiddenOf[l].length ? 1 : 0);
    ids.forEach((id, i) => pos.set(id, i - (width - 1) / 2));
    if (hiddenOf[l].length) pos.set(moreKey(l), width - 1 - (width - 1) / 2);
  });

  const widest = Math.max(0, ...rows.map((ids, l) => ids.length + (hiddenOf[l].length ? 1 : 0)));
  const width = widest ? widest * o.nodeW + (widest - 1) * o.gapX + 2 * o.margin : 0;
  const height = depth ? depth * o.nodeH + (depth - 1) * o.gapY + 2 * o.margin : 0;
  const xOf = (p) => width / 2 + p * (o.nodeW + o.gapX) - o.nodeW / 2;
  const yOf = (l) => o.margin + l * (o.nodeH + o.gapY);

  const nodes = [];
  rows.forEach((ids, l) => {
    for (const id of ids) nodes.push({ id, layer: l, x: xOf(pos.get(id)), y: yOf(l), w: o.nodeW, h: o.nodeH });
  });
  const more = [];
  hiddenOf.forEach((ids, l) => {
    if (ids.length) more.push({ id: moreKey(l), layer: l, x: xOf(pos.get(moreKey(l))), y: yOf(l), w: o.nodeW, h: o.nodeH, hidden: ids });
  });

  const box = new Map([...nodes, ...more].map((n) => [n.id, n]));
  const edges = [];
  const seen = new Set();
  for (const s of steps) {
    for (const w of waitsOf.get(s.id)) {
      const from = boxOf.get(w);
      const to = boxOf.get(s.id);
      const key = `${from}\u0000${to}`;
      if (from === to || seen.has(key)) continue;
      seen.add(key);
      edges.push({ from, to, d: edgePath(box.get(from), box.get(to)) });
    }
  }
  return { width, height, nodes, more, edges };
}

/** The id of a layer's "+N more" box; steps' ids cannot start with a NUL. */
function moreKey(layer) {
  return `\u0000more:${layer}`;
}

/** A smooth curve from the bottom middle of one box to the top middle of another. */
function edgePath(a, b) {
  const x1 = a.x + a.w / 2;
  const y1 = a.y + a.h;
  const x2 = b.x + b.w / 2;
  const y2 = b.y;
  const bend = Math.max(12, (y2 - y1) / 2);
  const r = (n) => Math.round(n * 10) / 10;
  return `M${r(x1)},${r(y1)} C${r(x1)},${r(y1 + bend)} ${r(x2)},${r(y2 - bend)} ${r(x2)},${r(y2)}`;
}
