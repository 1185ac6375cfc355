import { ValidationError } from '../../errors.ts';
import { textFault } from './text-faults.ts';

/**
 * Limits on the shape of a parsed JSON body, checked before anything walks it recursively
 * (schema validation, serialisation, the database): a body nested deeper than this is refused
 * rather than left to overflow a stack, and every string, keys included, must be storable text.
 */
export const MAX_JSON_DEPTH = 64;

/** Throws a ValidationError naming the first field (`kwargs.url`, `tags.0`) too deep or holding text that cannot be stored. */
export function checkJsonShape(value: unknown, fieldPrefix = ''): void {
  visit(value, [], 0, fieldPrefix);
}

function fieldName(path: readonly string[], prefix: string): string {
  const name = prefix + path.join('.');
  return name === '' ? 'body' : name.replace(/\.$/, '');
}

/** `named`: how many leading segments of `path` are object members (`kwargs.x`), not array positions. */
function visit(value: unknown, path: string[], named: number, prefix: string): void {
  if (typeof value === 'string') {
    const fault = textFault(value);
    if (fault) throw new ValidationError(`'${fieldName(path, prefix)}' ${fault}`, { field: fieldName(path, prefix) });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (path.length >= MAX_JSON_DEPTH) {
    // The member the nesting is under (`kwargs.x`), not a path sixty-four steps long.
    const where = fieldName(path.slice(0, named), prefix);
    throw new ValidationError(`'${where}' is nested deeper than ${MAX_JSON_DEPTH} levels`, { field: where });
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      visit(value[i], path, named, prefix);
      path.pop();
    }
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const fault = textFault(key);
    if (fault) throw new ValidationError(`a field name in '${fieldName(path, prefix)}' ${fault}`, { field: fieldName(path, prefix) });
    path.push(key);
    visit(item, path, named === path.length - 1 ? named + 1 : named, prefix);
    path.pop();
  }
}
