import { ValidationError } from '../errors.ts';
import type { FlowDefinition } from './flow.ts';
import { dependants } from './graph.ts';

/** Handlers whose steps start other flows: the "subflows" of a flow. */
export const FLOW_STARTING_HANDLERS = ['flow-scheduling', 'selective-flow-scheduling'];

/** What a selective run asked for (selective-flow-scheduling's kwargs). */
export interface StepSelection {
  task_names: string[];
  run_subsequent: boolean;
  follow_subflows: boolean;
}

/**
 * The steps a selective run runs: those named, and with `run_subsequent` everything that waits
 * for them, directly or not. Without `follow_subflows`, dependants that start other flows are
 * left out (and what lies beyond them); a step named in task_names always runs.
 */
export function selectSteps(flow: FlowDefinition, selection: StepSelection): Set<string> {
  const ids = new Set(flow.steps.map((s) => s.id));
  const unknown = selection.task_names.filter((t) => !ids.has(t));
  if (unknown.length > 0) {
    throw new ValidationError(`task_names: ${unknown.map((t) => `'${t}'`).join(', ')} not step(s) of flow '${flow.name}' (steps: ${[...ids].join(', ')})`, { field: 'task_names' });
  }
  if (selection.task_names.length === 0) throw new ValidationError('task_names must name at least one step', { field: 'task_names' });
  const selected = new Set(selection.task_names);
  if (selection.run_subsequent) {
    const handlerOf = new Map(flow.steps.map((s) => [s.id, s.handler]));
    const follow = (id: string) => selection.follow_subflows || !FLOW_STARTING_HANDLERS.includes(handlerOf.get(id) ?? '');
    for (const id of dependants(flow.steps, selected, follow)) selected.add(id);
  }
  return selected;
}
