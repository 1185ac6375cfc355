// `flow-scheduling`: the seed service's FlowScheduling. Starts the named flow once per item of
// flow_arguments, each run getting the item plus the job_id of the job that started it. A
// periodic job with this handler starts the flows every period.
import { BaseHandler, type HandlerContext, type JsonSchema } from '../src/handlers/base-handler.ts';
import { installedFlows } from '../src/flows/runtime.ts';
import { checkFlowKwargs } from '../src/flows/flow-kwargs.ts';

export interface FlowSchedulingKwargs {
  flow_name: string;
  flow_arguments: Array<Record<string, unknown>>;
}

export interface FlowSchedulingResult {
  flow_name: string;
  flow_run_ids: string[];
}

export const flowSchedulingProperties = {
  flow_name: { type: 'string', minLength: 1, description: 'The flow to start (a `name:` of a file in the flows folder).', examples: ['bayesianFlow'] },
  flow_arguments: {
    type: 'array',
    items: { type: 'object' },
    default: [{}],
    description: 'One flow run per item; each run gets the item as its arguments (`${args.…}`), plus `job_id`.',
    examples: [[{ ecosystem: 'npm', force: true, name: 'serve-static', version: '1.7.1' }]],
  },
};

export class FlowScheduling extends BaseHandler<FlowSchedulingKwargs, FlowSchedulingResult> {
  static override name = 'flow-scheduling';
  static override description = 'Starts a flow (a DAG of steps declared in flows/) once per item of flow_arguments.';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['flow_name'],
    properties: flowSchedulingProperties,
    examples: [{ flow_name: 'bayesianFlow', flow_arguments: [{ ecosystem: 'npm', force: true, name: 'serve-static', version: '1.7.1' }] }],
  };

  /** Refuses, when the job is defined, a flow_name this process's flows do not have. */
  static override validate = (kwargs: Record<string, unknown>): void => checkFlowKwargs(kwargs);

  override async execute(kwargs: FlowSchedulingKwargs, context: HandlerContext): Promise<FlowSchedulingResult> {
    const flows = installedFlows();
    const owner = await flows.ownerOfJob(context.jobId);
    const items = kwargs.flow_arguments.map((item) => ({ ...item, job_id: context.jobId }));
    const runs = await flows.startMany(kwargs.flow_name, items, { jobId: context.jobId, originRunId: context.runId, owner });
    context.log.info(`started ${runs.length} run(s) of flow ${kwargs.flow_name}`, { flow_run_ids: runs.map((r) => r.flow_run_id) });
    return { flow_name: kwargs.flow_name, flow_run_ids: runs.map((r) => r.flow_run_id) };
  }
}
