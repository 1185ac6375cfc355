import type { FlowDefinition } from '../flows/flow.ts';
import type { HandlerTraits } from './handler-permission.ts';

/** The flows a job may start, by name (src/flows/flow-catalog.ts). */
export interface FlowLookup {
  has(name: string): boolean;
  get(name: string): FlowDefinition;
}

/** A handler called with kwargs: a job's definition, or a flow's step. */
export interface HandlerCall {
  handler: string;
  kwargs: Record<string, unknown>;
}

/**
 * Every handler that `calls` make run: their own, and when kwargs name a `flow_name`
 * (flow-scheduling and its kin), every step's of that flow and of the flows those steps start in
 * turn. A flow's arguments reach its steps' kwargs, so starting a flow is using its steps'
 * handlers. A name the registry does not know (turned off, gone) counts as powerful.
 */
export function handlersUsed(calls: readonly HandlerCall[], resolve: (name: string) => HandlerTraits, flows: FlowLookup | undefined): HandlerTraits[] {
  const used = new Map<string, HandlerTraits>();
  const seenFlows = new Set<string>();
  const visit = (call: HandlerCall) => {
    if (!used.has(call.handler)) used.set(call.handler, traitsOf(call.handler, resolve));
    const flowName = call.kwargs.flow_name;
    if (typeof flowName !== 'string' || !flows?.has(flowName) || seenFlows.has(flowName)) return;
    seenFlows.add(flowName);
    flows.get(flowName).steps.forEach(visit);
  };
  calls.forEach(visit);
  return [...used.values()];
}

function traitsOf(name: string, resolve: (name: string) => HandlerTraits): HandlerTraits {
  try {
    return resolve(name);
  } catch {
    return { name, powerful: true };
  }
}
