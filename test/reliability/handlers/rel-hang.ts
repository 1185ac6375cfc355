// Never settles and ignores its signal: only the job's timeout ends it.
import { BaseHandler } from '../../../src/handlers/base-handler.ts';

export class RelHang extends BaseHandler {
  static override name = 'rel-hang';
  override async execute() {
    return new Promise(() => {});
  }
}
