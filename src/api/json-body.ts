import { ValidationError } from '../errors.ts';
import { checkJsonShape } from './guards/json-shape.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request's JSON body: UTF-8, parsed, its shape in bounds (src/api/guards/json-shape.ts).
 * Undefined for an empty body. Field names in errors carry `fieldPrefix` (`kwargs.`) where the
 * body is one field of the job.
 */
export async function readJsonBody(request: Request, fieldPrefix = ''): Promise<unknown> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ValidationError('the request body is not valid UTF-8', { field: 'body' });
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`the request body is not valid JSON: ${(err as Error).message}`, { field: 'body' });
  }
  checkJsonShape(value, fieldPrefix);
  return value;
}
