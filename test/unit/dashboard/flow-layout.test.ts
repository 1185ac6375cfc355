// The flow drawing's layout (src/dashboard/assets/flow-layout.js), a pure function run here in Node:
// layers by longest path, edges pointing down, crowded layers collapsed into "+N more".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAYOUT, layersOf, layoutFlow, type FlowLayout, type LayoutStep } from '../../../src/dashboard/assets/flow-layout.js';

const step = (id: string, ...waits: string[]): LayoutStep => ({ id, waits });
const diamond = [step('start'), step('left', 'start'), step('right', 'start'), step('join', 'left', 'right')];

const layerCases: Array<[string, LayoutStep[], Record<string, number>]> = [
  ['empty', [], {}],
  ['one step', [step('a')], { a: 0 }],
  ['chain', [step('a'), step('b', 'a'), step('c', 'b')], { a: 0, b: 1, c: 2 }],
  ['declared out of order', [step('c', 'b'), step('b', 'a'), step('a')], { a: 0, b: 1, c: 2 }],
  ['diamond', diamond, { start: 0, left: 1, right: 1, join: 2 }],
  ['longest path wins over a shortcut', [step('a'), step('b', 'a'), step('c', 'b'), step('d', 'a', 'c')], { a: 0, b: 1, c: 2, d: 3 }],
  ['two roots', [step('a'), step('x'), step('b', 'a', 'x')], { a: 0, x: 0, b: 1 }],
  ['unknown wait and self wait ignored', [step('a', 'ghost', 'a'), step('b', 'a')], { a: 0, b: 1 }],
  ['a cycle is cut, not looped on', [step('a', 'b'), step('b', 'a')], { a: 1, b: 0 }],
];

for (const [name, steps, expected] of layerCases) {
  test(`layersOf: ${name}`, () => {
    assert.deepEqual(Object.fromEntries(layersOf(steps)), expected);
  });
}

/** Every box at its layer's height, no two boxes overlapping, every edge from a box's bottom down to another's top. */
function assertWellFormed(l: FlowLayout): void {
  const boxes = [...l.nodes, ...l.more];
  for (const b of boxes) {
    assert.equal(b.y, LAYOUT.margin + b.layer * (LAYOUT.nodeH + LAYOUT.gapY), `${b.id} sits on its layer`);
    assert.ok(b.x >= 0 && b.x + b.w <= l.width + 1e-9, `${b.id} inside the drawing`);
    assert.ok(b.y + b.h <= l.height + 1e-9);
  }
  for (const a of boxes)
    for (const b of boxes)
      if (a !== b && a.layer === b.layer) assert.ok(a.x + a.w <= b.x || b.x + b.w <= a.x, `${a.id} and ${b.id} overlap`);
  const byId = new Map(boxes.map((b) => [b.id, b]));
  for (const e of l.edges) {
    const from = byId.get(e.from)!;
    const to = byId.get(e.to)!;
    assert.ok(from && to, `edge ${e.from}→${e.to} joins drawn boxes`);
    assert.ok(to.layer > from.layer, `edge ${e.from}→${e.to} points down`);
    const nums = e.d.match(/-?\d+(\.\d+)?/g)!.map(Number);
    assert.deepEqual([nums[0], nums[1]], [from.x + from.w / 2, from.y + from.h]);
    assert.deepEqual([nums.at(-2), nums.at(-1)], [to.x + to.w / 2, to.y]);
  }
}

test('layoutFlow: nothing to draw', () => {
  assert.deepEqual(layoutFlow([]), { width: 0, height: 0, nodes: [], more: [], edges: [] });
});

test('layoutFlow: a diamond is three rows, the branches side by side, four edges', () => {
  const l = layoutFlow(diamond);
  assertWellFormed(l);
  assert.deepEqual(l.nodes.map((n) => [n.id, n.layer]), [['start', 0], ['left', 1], ['right', 1], ['join', 2]]);
  assert.equal(l.more.length, 0);
  assert.deepEqual(l.edges.map((e) => `${e.from}>${e.to}`).sort(), ['left>join', 'right>join', 'start>left', 'start>right']);
  const x = Object.fromEntries(l.nodes.map((n) => [n.id, n.x + n.w / 2]));
  assert.equal(x.start, l.width / 2, 'a lone step is centred');
  assert.equal(x.join, l.width / 2);
  assert.ok(x.left! < x.right!, 'declaration order within a layer');
  assert.equal(l.width, 2 * LAYOUT.nodeW + LAYOUT.gapX + 2 * LAYOUT.margin);
  assert.equal(l.height, 3 * LAYOUT.nodeH + 2 * LAYOUT.gapY + 2 * LAYOUT.margin);
});

test('layoutFlow: a step sits under the steps it waits for (fewer crossings)', () => {
  // b2 waits for a2 (right), b1 for a1 (left); declared the other way round.
  const l = layoutFlow([step('a1'), step('a2'), step('b2', 'a2'), step('b1', 'a1')]);
  assertWellFormed(l);
  const x = Object.fromEntries(l.nodes.map((n) => [n.id, n.x]));
  assert.ok(x.b1! < x.b2!);
});

test('layoutFlow: 30 steps in a chain stay one box wide', () => {
  const steps = Array.from({ length: 30 }, (_, i) => (i === 0 ? step('s0') : step(`s${i}`, `s${i - 1}`)));
  const l = layoutFlow(steps);
  assertWellFormed(l);
  assert.equal(l.nodes.length, 30);
  assert.equal(l.edges.length, 29);
  assert.equal(l.width, LAYOUT.nodeW + 2 * LAYOUT.margin);
});

test('layoutFlow: a 1 000-wide fan-out draws the cap, one "+N more" box, and merged edges', () => {
  const leaves = Array.from({ length: 1000 }, (_, i) => step(`leaf-${i}`, 'start'));
  const failed = new Set(['leaf-500', 'leaf-999']);
  const l = layoutFlow([step('start'), ...leaves, step('join', ...leaves.map((s) => s.id))], { rank: (id) => (failed.has(id) ? 0 : 1) });
  assertWellFormed(l);
  const row = l.nodes.filter((n) => n.layer === 1).map((n) => n.id);
  assert.equal(row.length, LAYOUT.maxPerLayer - 1);
  assert.ok(row.includes('leaf-500') && row.includes('leaf-999'), 'the steps ranked first stay visible');
  assert.equal(l.more.length, 1);
  assert.equal(l.more[0]!.hidden.length, 1000 - row.length);
  assert.ok(!l.more[0]!.hidden.includes('leaf-500'));
  assert.equal(l.edges.length, 2 * (row.length + 1), 'one edge in and one out per drawn box of the row');
  assert.equal(l.width, LAYOUT.maxPerLayer * LAYOUT.nodeW + (LAYOUT.maxPerLayer - 1) * LAYOUT.gapX + 2 * LAYOUT.margin);
});

test('layoutFlow: the cap is an option, and a layer at the cap is not collapsed', () => {
  const leaves = (n: number) => Array.from({ length: n }, (_, i) => step(`l${i}`, 'r'));
  assert.equal(layoutFlow([step('r'), ...leaves(4)], { maxPerLayer: 4 }).more.length, 0);
  const l = layoutFlow([step('r'), ...leaves(5)], { maxPerLayer: 4 });
  assertWellFormed(l);
  assert.deepEqual(l.more.map((m) => m.hidden), [['l3', 'l4']]);
});
