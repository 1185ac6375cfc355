// `noop`: does nothing and succeeds at once. Benchmarks measure the scheduler with it, and
// tests use it where the handler is beside the point.
import { BaseHandler, type JsonSchema } from '../src/handlers/base-handler.ts';

export class Noop extends BaseHandler<Record<string, unknown>, Record<string, never>> {
  static override name = 'noop';
  static override description = 'Does nothing and succeeds at once (benchmarks, tests, trying bosun out).';
  static override kwargsSchema: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

  override async execute(): Promise<Record<string, never>> {
    return {};
  }
}
