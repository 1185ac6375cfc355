// Sleeps kwargs.ms, honouring its signal: a handler that is mid-flight when its process dies.
import { BaseHandler, type HandlerContext, type JsonSchema } from '../../../src/handlers/base-handler.ts';

export class RelSleep extends BaseHandler<{ ms: number }> {
  static override name = 'rel-sleep';
  static override kwargsSchema: JsonSchema = { type: 'object', properties: { ms: { type: 'integer', minimum: 0 } }, required: ['ms'], additionalProperties: false };
  override async execute(kwargs: { ms: number }, context: HandlerContext) {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, kwargs.ms);
      context.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(context.signal.reason as Error);
      });
    });
    return { slept: kwargs.ms };
  }
}
