// NDScheduler's sample job `simple_scheduler.jobs.sample_job.AwesomeJob`, as a bosun handler: its pub_args arrive as `args`.
import { BaseHandler, type JsonSchema } from '../../../../src/handlers/base-handler.ts';

export class Awesome extends BaseHandler<{ args?: unknown[] }> {
  static override name = 'awesome';
  static override kwargsSchema: JsonSchema = { type: 'object', properties: { args: { type: 'array' } }, additionalProperties: false };
  override async execute(kwargs: { args?: unknown[] }) {
    return { args: kwargs.args ?? [] };
  }
}
