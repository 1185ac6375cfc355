import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { BosunError } from '../errors.ts';
import type { JsonSchema } from './base-handler.ts';

// ajv-formats is CommonJS; under Node's ESM loader its callable is the default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * One ajv instance for every handler schema: defaults filled in, every error reported. Unknown
 * keywords (a typo such as `minLenght`) are refused; the stricter type checks are not, since
 * they reject ordinary schemas (`not: {required: [...]}`) handler authors write.
 */
export function createKwargsAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false, strictSchema: true, strictNumbers: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

/** Compiles a handler's kwargs schema; a schema ajv refuses throws, with ajv's reason. */
export function compileKwargsSchema(ajv: Ajv2020, schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema);
}

/** The input field an ajv error is about, as users write it: `kwargs.url`, `kwargs.headers.accept`, `kwargs.args.0`. */
export function kwargsField(error: ErrorObject): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') segments.push(params.missingProperty);
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') segments.push(params.additionalProperty);
  return ['kwargs', ...segments].join('.');
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known argument of this handler';
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'not':
      return `must not match ${JSON.stringify(error.schema)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** Validates (and fills defaults into) a copy of `kwargs`; throws BosunError('invalid-kwargs') naming every bad field. */
export function checkKwargs(validate: ValidateFunction, handlerName: string, kwargs: unknown): Record<string, unknown> {
  if (kwargs === undefined || kwargs === null) kwargs = {};
  if (typeof kwargs !== 'object' || Array.isArray(kwargs)) {
    throw new BosunError('invalid-kwargs', `kwargs must be an object of ${handlerName}'s arguments, got ${Array.isArray(kwargs) ? 'a list' : typeof kwargs}`, { field: 'kwargs' });
  }
  const copy = structuredClone(kwargs) as Record<string, unknown>;
  if (validate(copy)) return copy;
  // anyOf/oneOf report every branch; the keyword that failed at the deepest path is the useful one.
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if');
  const seen = new Set<string>();
  const problems: Array<{ field: string; text: string }> = [];
  for (const error of errors.length > 0 ? errors : (validate.errors ?? [])) {
    const field = kwargsField(error);
    const text = `${field} ${describe(error)}`;
    if (seen.has(text)) continue;
    seen.add(text);
    problems.push({ field, text });
  }
  const first = problems[0] ?? { field: 'kwargs', text: 'kwargs are invalid' };
  throw new BosunError('invalid-kwargs', `invalid kwargs for handler '${handlerName}': ${problems.map((p) => p.text).join('; ')}`, {
    field: first.field,
    details: { errors: problems.map((p) => ({ field: p.field, message: p.text })) },
  });
}
