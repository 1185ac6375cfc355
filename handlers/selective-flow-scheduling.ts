// `selective-flow-scheduling`: the seed service's SelectiveFlowScheduling. Like flow-scheduling,
// but runs only the steps named in task_names (and, with run_subsequent, what waits for them).
import { BaseHandler, type HandlerContext, type JsonSchema } from '../src/handlers/base-handler.ts';
import { installedFlows } from '../src/flows/runtime.ts';
import { checkFlowKwargs } from '../src/flows/flow-kwargs.ts';
import { flowSchedulingProperties, type FlowSchedulingKwargs, type FlowSchedulingResult } from './flow-scheduling.ts';

export interface SelectiveFlowSchedulingKwargs extends FlowSchedulingKwargs {
  task_names: string[];
  run_subsequent: boolean;
  follow_subflows: boolean;
}

export class SelectiveFlowScheduling extends BaseHandler<SelectiveFlowSchedulingKwargs, FlowSchedulingResult> {
  static override name = 'selective-flow-scheduling';
  static override description = 'Starts only some steps of a flow (task_names, and with run_subsequent their dependants) once per item of flow_arguments.';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['flow_name', 'task_names'],
    properties: {
      ...flowSchedulingProperties,
      task_names: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: 'Step ids to run; steps not selected are `skipped` and count as done for those that wait on them.', examples: [['report']] },
      run_subsequent: { type: 'boolean', default: false, description: 'Also run every step that waits (directly or not) for a selected step.' },
      follow_subflows: {
        type: 'boolean',
        default: false,
        description: 'With run_subsequent: also run dependants that start other flows (steps whose handler is flow-scheduling or selective-flow-scheduling), and what lies beyond them.',
      },
    },
    examples: [{ flow_name: 'bayesianFlow', task_names: ['analyse_licence'], run_subsequent: true, flow_arguments: [{ ecosystem: 'npm', name: 'serve-static', version: '1.7.1' }] }],
  };

  /** Refuses, when the job is defined, a flow_name and task_names this process's flows do not have. */
  static override validate = (kwargs: Record<string, unknown>): void => checkFlowKwargs(kwargs);

  override async execute(kwargs: SelectiveFlowSchedulingKwargs, context: HandlerContext): Promise<FlowSchedulingResult> {
    const flows = installedFlows();
    const owner = await flows.ownerOfJob(context.jobId);
    const items = kwargs.flow_arguments.map((item) => ({ ...item, job_id: context.jobId }));
    const selection = { task_names: kwargs.task_names, run_subsequent: kwargs.run_subsequent, follow_subflows: kwargs.follow_subflows };
    const runs = await flows.startMany(kwargs.flow_name, items, { jobId: context.jobId, originRunId: context.runId, owner, selection });
    context.log.info(`started ${runs.length} selective run(s) of flow ${kwargs.flow_name}`, { flow_run_ids: runs.map((r) => r.flow_run_id), task_names: kwargs.task_names });
    return { flow_name: kwargs.flow_name, flow_run_ids: runs.map((r) => r.flow_run_id) };
  }
}
