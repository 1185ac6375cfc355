// Calls process.exit(7) from its execute(), as a careless class handler might.
import { BaseHandler } from '../../../../src/handlers/base-handler.ts';

export class UnrulyExit extends BaseHandler {
  static override name = 'unruly-exit';
  override async execute(): Promise<string> {
    process.exit(7);
    return 'not reached';
  }
}
