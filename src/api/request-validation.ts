import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { MiddlewareHandler } from 'hono';
import { BosunError, ValidationError } from '../errors.ts';
import type { ApiEnv } from './api-env.ts';
import { readJsonBody } from './json-body.ts';

// ajv-formats is CommonJS; under Node's ESM loader its function is the default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const SPEC_ID = 'bosun-openapi.json';

interface CompiledOperation {
  params: ValidateFunction;
  /** Parameter names whose schema is an array (repeatable in the query). */
  arrays: Set<string>;
  /** Path parameters the operation declares (a concrete handler path such as `/jobs/noop` declares none). */
  pathNames: Set<string>;
  body?: { validate: ValidateFunction; required: boolean; fieldPrefix: string };
}

/** Validates requests against the served openapi.yaml: one compiled validator per operation. */
export interface RequestValidator {
  /** Middleware for the route whose spec path is `specPath` (`/jobs/{job_id}`); leaves `params` and `body` on the context. */
  route(specPath: string): MiddlewareHandler<ApiEnv>;
  /** `METHOD /path` of every operation in the spec. */
  operations(): string[];
}

/** Compiles every operation's parameters and JSON body of `spec` with ajv (JSON Schema 2020-12, as OpenAPI 3.1). */
export function createRequestValidator(spec: Json): RequestValidator {
  const components = (spec.components ?? {}) as Json;
  // Query strings are text: coerce "10" to 10 and "true" to true by the parameter's schema.
  const paramAjv = addFormats(new Ajv2020({ strict: false, allErrors: false, coerceTypes: 'array', useDefaults: true }));
  const bodyAjv = addFormats(new Ajv2020({ strict: false, allErrors: false }));
  for (const ajv of [paramAjv, bodyAjv]) ajv.addSchema({ $id: SPEC_ID, components: rewriteRefs(components) });

  const resolve = (value: unknown): Json => {
    const ref = (value as Json | undefined)?.$ref;
    if (typeof ref !== 'string') return value as Json;
    const parts = ref.replace(/^#\//, '').split('/');
    let node: unknown = spec;
    for (const part of parts) node = (node as Json)[part];
    if (node === undefined) throw new Error(`openapi.yaml: unresolved ${ref}`);
    return resolve(node);
  };

  const compiled = new Map<string, CompiledOperation>();
  for (const [path, item] of Object.entries((spec.paths ?? {}) as Record<string, Json>)) {
    const shared = (item.parameters ?? []) as unknown[];
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const parameters = [...shared, ...((op.parameters ?? []) as unknown[])].map(resolve);
      const properties: Json = {};
      const required: string[] = [];
      const arrays = new Set<string>();
      const pathNames = new Set<string>();
      for (const p of parameters) {
        if (p.in !== 'query' && p.in !== 'path') continue;
        const name = String(p.name);
        const schema = rewriteRefs(p.schema ?? {}) as Json;
        properties[name] = schema;
        if (schema.type === 'array') arrays.add(name);
        if (p.in === 'path') pathNames.add(name);
        if (p.required === true || p.in === 'path') required.push(name);
      }
      const entry: CompiledOperation = {
        params: paramAjv.compile({ type: 'object', properties, required, additionalProperties: false }),
        arrays,
        pathNames,
      };
      const requestBody = op.requestBody ? resolve(op.requestBody) : undefined;
      const bodySchema = (requestBody?.content as Json | undefined)?.['application/json'] as Json | undefined;
      if (requestBody && bodySchema) {
        entry.body = {
          validate: bodyAjv.compile(rewriteRefs(bodySchema.schema ?? {}) as Json),
          required: requestBody.required === true,
          fieldPrefix: typeof op['x-bosun-body'] === 'string' ? `${op['x-bosun-body']}.` : '',
        };
      }
      compiled.set(`${method.toUpperCase()} ${path}`, entry);
    }
  }

  return {
    operations: () => [...compiled.keys()],
    route(specPath) {
      return async (c, next) => {
        const pathParams = c.req.param() as Record<string, string>;
        // A concrete path (`/jobs/noop`, one per handler) wins over the template it fills (`/jobs/{handler}`).
        const concrete = specPath.replace(/\{([^}]+)\}/g, (_m, name: string) => pathParams[name] ?? `{${name}}`);
        // Hono answers HEAD with the GET route; it is validated as that GET.
        const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
        const op = compiled.get(`${method} ${concrete}`) ?? compiled.get(`${method} ${specPath}`);
        if (!op) {
          if (specPath === '/jobs/{handler}') {
            throw new BosunError('unknown-handler', `unknown handler '${pathParams.handler ?? ''}' (GET /api/v1/handlers lists them)`, { field: 'handler' });
          }
          throw new Error(`route ${method} ${specPath} is not described in openapi.yaml`);
        }
        c.set('params', validateParams(op, c.req.queries(), pathParams));
        c.set('body', op.body ? await readBody(c.req.raw, op.body) : undefined);
        await next();
      };
    },
  };
}

function validateParams(op: CompiledOperation, query: Record<string, string[]>, path: Record<string, string>): Json {
  const values: Json = {};
  for (const [name, list] of Object.entries(query)) {
    if (op.arrays.has(name)) values[name] = list.flatMap((v) => v.split(',')).filter((v) => v !== '');
    else if (list.length > 1) throw new ValidationError(`query parameter '${name}' is given ${list.length} times`, { field: name });
    else values[name] = list[0];
  }
  for (const [name, value] of Object.entries(path)) if (op.pathNames.has(name)) values[name] = value;
  if (!op.params(values)) throw toValidationError(op.params.errors ?? [], 'parameter', '');
  return values;
}

async function readBody(request: Request, body: NonNullable<CompiledOperation['body']>): Promise<unknown> {
  const value = await readJsonBody(request, body.fieldPrefix);
  if (value === undefined) {
    if (body.required) throw new ValidationError('a JSON request body is required', { field: 'body' });
    return undefined;
  }
  if (!body.validate(value)) throw toValidationError(body.validate.errors ?? [], 'body', body.fieldPrefix);
  return value;
}

/** The first ajv error as a ValidationError naming the field (`kwargs.url`, `limit`). */
function toValidationError(errors: ErrorObject[], where: 'parameter' | 'body', prefix: string): ValidationError {
  const e = errors[0];
  if (!e) return new ValidationError(`invalid ${where}`);
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Json;
  if (e.keyword === 'required') path.push(String(params.missingProperty));
  if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') {
    const field = prefix + [...path, String(params.additionalProperty ?? params.unevaluatedProperty)].join('.');
    const what = where === 'parameter' ? 'query parameter' : 'field';
    return new ValidationError(`unknown ${what} '${field}'`, { field });
  }
  const field = prefix + path.join('.');
  const label = field === '' ? (where === 'body' ? 'the request body' : 'the parameters') : `'${field}'`;
  const allowed = e.keyword === 'enum' ? `: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : '';
  const message = e.keyword === 'required' ? `${label} is required` : `${label} ${e.message ?? 'is invalid'}${allowed}`;
  return new ValidationError(message, field === '' ? {} : { field });
}

/** `#/components/…` refs, pointed at the spec document registered in ajv. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? SPEC_ID + v : rewriteRefs(v)]),
  );
}
