import { NotFoundError } from '../errors.ts';
import type { FlowDefinition } from './flow.ts';

/** The flows this process knows, by name. */
export interface FlowCatalog {
  /** The flow called `name`, or NotFoundError listing the known ones. */
  get(name: string): FlowDefinition;
  has(name: string): boolean;
  /** All flows, sorted by name. */
  list(): FlowDefinition[];
}

/** A catalog of already-declared flows (names are unique: loadFlowFiles refuses duplicates). */
export function flowCatalog(flows: readonly FlowDefinition[]): FlowCatalog {
  const byName = new Map(flows.map((f) => [f.name, f]));
  const sorted = [...flows].sort((a, b) => a.name.localeCompare(b.name));
  return {
    get(name) {
      const flow = byName.get(name);
      if (!flow) {
        const err = new NotFoundError('flow', name);
        Object.assign(err.details, { known: sorted.map((f) => f.name) });
        throw err;
      }
      return flow;
    },
    has: (name) => byName.has(name),
    list: () => [...sorted],
  };
}
