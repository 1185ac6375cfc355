// NDScheduler's documented `simple_scheduler.jobs.clean_apns.CleanAPNsJob`, as a bosun handler taking any kwargs.
import { BaseHandler, type JsonSchema } from '../../../../src/handlers/base-handler.ts';

export class CleanApns extends BaseHandler<Record<string, unknown>> {
  static override name = 'clean-apns';
  static override kwargsSchema: JsonSchema = { type: 'object' };
  override async execute(kwargs: Record<string, unknown>) {
    return kwargs;
  }
}
