/** A step as the graph checks see it. */
export interface GraphStep {
  id: string;
  waits: readonly string[];
}

/**
 * A cycle among the steps, as the ids along it with the first repeated at the end
 * (`['a', 'b', 'a']`: a waits for b, which waits for a), or null when the steps form a DAG.
 * Assumes every id in `waits` exists.
 */
export function findCycle(steps: readonly GraphStep[]): string[] | null {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (id: string): string[] | null => {
    const seen = state.get(id);
    if (seen === 'done') return null;
    if (seen === 'open') return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, 'open');
    trail.push(id);
    for (const w of byId.get(id)?.waits ?? []) {
      const cycle = visit(w);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(id, 'done');
    return null;
  };
  for (const s of steps) {
    const cycle = visit(s.id);
    if (cycle) return cycle;
  }
  return null;
}

/** Every step `id` waits for, directly or through others. */
export function ancestors(steps: readonly GraphStep[], id: string): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const out = new Set<string>();
  const stack = [...(byId.get(id)?.waits ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    stack.push(...(byId.get(next)?.waits ?? []));
  }
  return out;
}

/** Every step that waits for one of `ids`, directly or through others (not `ids` themselves). */
export function dependants(steps: readonly GraphStep[], ids: Iterable<string>, follow: (id: string) => boolean = () => true): Set<string> {
  const children = new Map<string, string[]>();
  for (const s of steps) for (const w of s.waits) children.set(w, [...(children.get(w) ?? []), s.id]);
  const start = new Set(ids);
  const out = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      if (out.has(child) || start.has(child) || !follow(child)) continue;
      out.add(child);
      stack.push(child);
    }
  }
  return out;
}

/** The steps in an order where each comes after everything it waits for (declaration order among equals). */
export function topologicalOrder(steps: readonly GraphStep[]): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  while (order.length < steps.length) {
    const before = order.length;
    for (const s of steps) {
      if (!placed.has(s.id) && s.waits.every((w) => placed.has(w))) {
        placed.add(s.id);
        order.push(s.id);
      }
    }
    if (order.length === before) throw new Error('topologicalOrder: the steps have a cycle');
  }
  return order;
}
