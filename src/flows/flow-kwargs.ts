import { BosunError } from '../errors.ts';
import type { FlowCatalog } from './flow-catalog.ts';
import { knownFlowCatalog } from './runtime.ts';
import { didYouMean, suggest } from '../suggest.ts';

/**
 * Refuses flow-scheduling kwargs naming a flow this process does not know (`kwargs.flow_name`,
 * listing the known flows) and, with task_names, steps the flow does not have
 * (`kwargs.task_names[i]`, listing its steps): a 400 when the job is defined, not a failed run
 * later. Checks nothing when no flows were loaded (a registry used without flows).
 */
export function checkFlowKwargs(kwargs: { flow_name?: unknown; task_names?: unknown }, catalog: FlowCatalog | undefined = knownFlowCatalog()): void {
  if (!catalog || typeof kwargs.flow_name !== 'string') return;
  const known = catalog.list().map((f) => f.name);
  if (!catalog.has(kwargs.flow_name)) {
    const message = `no flow named '${kwargs.flow_name}' (known flows: ${known.join(', ') || 'none; add a file to the flows folder'})`;
    const suggestion = suggest(kwargs.flow_name, known);
    throw new BosunError('invalid-kwargs', `kwargs.flow_name: ${message}${didYouMean(suggestion)}`, {
      field: 'kwargs.flow_name',
      details: { errors: [{ field: 'kwargs.flow_name', message, ...(suggestion ? { suggestion } : {}) }], known_flows: known },
    });
  }
  if (!Array.isArray(kwargs.task_names)) return;
  const flow = catalog.get(kwargs.flow_name);
  const steps = flow.steps.map((s) => s.id);
  const errors = kwargs.task_names.flatMap((name, i) => {
    if (typeof name !== 'string' || steps.includes(name)) return [];
    const suggestion = suggest(name, steps);
    return [{ field: `kwargs.task_names[${i}]`, message: `'${name}' is not a step of flow '${flow.name}' (steps: ${steps.join(', ')})`, ...(suggestion ? { suggestion } : {}) }];
  });
  if (errors.length === 0) return;
  throw new BosunError('invalid-kwargs', errors.map((e) => `${e.field}: ${e.message}${didYouMean(e.suggestion)}`).join('; '), {
    field: errors[0]!.field,
    details: { errors, steps },
  });
}
