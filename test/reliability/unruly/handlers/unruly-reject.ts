// Leaves a rejected promise unhandled while its execute() still waits.
import { BaseHandler } from '../../../../src/handlers/base-handler.ts';

export class UnrulyReject extends BaseHandler {
  static override name = 'unruly-reject';
  override async execute(): Promise<void> {
    void Promise.reject(new TypeError('nobody awaited me'));
    await new Promise((resolve) => setTimeout(resolve, 30_000).unref());
  }
}
