// Throws from a timer while its execute() still waits.
import { BaseHandler, type HandlerContext } from '../../../../src/handlers/base-handler.ts';

export class UnrulyTimerThrow extends BaseHandler {
  static override name = 'unruly-timer-throw';
  override async execute(_kwargs: unknown, context: HandlerContext): Promise<void> {
    setTimeout(() => {
      throw new RangeError('thrown from a timer');
    }, 20);
    await new Promise((resolve) => setTimeout(resolve, 30_000).unref());
    context.signal.throwIfAborted();
  }
}
