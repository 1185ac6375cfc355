// Throws at once, every time.
import { BaseHandler } from '../../../src/handlers/base-handler.ts';

export class RelThrow extends BaseHandler {
  static override name = 'rel-throw';
  override async execute(): Promise<never> {
    throw new RangeError('failing on purpose');
  }
}
