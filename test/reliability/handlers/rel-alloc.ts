// Allocates kwargs.mb megabytes (touched, so really resident) and holds them briefly.
import { BaseHandler, type JsonSchema } from '../../../src/handlers/base-handler.ts';

export class RelAlloc extends BaseHandler<{ mb: number }> {
  static override name = 'rel-alloc';
  static override kwargsSchema: JsonSchema = { type: 'object', properties: { mb: { type: 'integer', minimum: 1, maximum: 2000 } }, required: ['mb'], additionalProperties: false };
  override async execute(kwargs: { mb: number }) {
    const blocks: Buffer[] = [];
    for (let i = 0; i < kwargs.mb; i++) blocks.push(Buffer.alloc(1024 * 1024, i & 0xff));
    await new Promise((r) => setTimeout(r, 200));
    return { mb: blocks.length };
  }
}
