// Returns what PostgreSQL cannot store as is: NUL, a lone surrogate, a BigInt, a cycle.
import { BaseHandler } from '../../../../src/handlers/base-handler.ts';

export class UnrulyUnstorable extends BaseHandler {
  static override name = 'unruly-unstorable';
  override async execute(): Promise<unknown> {
    const result: Record<string, unknown> = { nul: 'a\u0000b', lone: '\ud800', big: 10n };
    result.self = result;
    return result;
  }
}
