import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { MiddlewareHandler } from 'hono';
import { BosunError, ValidationError, type FieldProblem } from '../errors.ts';
import { didYouMean, suggest } from '../suggest.ts';
import type { ApiEnv } from './api-env.ts';
import { readJsonBody } from './json-body.ts';

// ajv-formats is CommonJS; under Node's ESM loader its function is the default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options'] as const;
const SPEC_ID = 'bosun-openapi.json';

interface CompiledOperation {
  params: ValidateFunction;
  /** Parameter names whose schema is an array (repeatable in the query). */
  arrays: Set<string>;
  /** Path parameters the operation declares (a concrete handler path such as `/jobs/noop` declares none). */
  pathNames: Set<string>;
  body?: { validate: ValidateFunction; required: boolean; fieldPrefix: string; names: PropertyNames };
  names: PropertyNames;
}

/** The property names a schema knows, through allOf/anyOf/oneOf/if-then-else and $refs: what a near miss is compared with. */
type PropertyNames = (schema: unknown) => string[];

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
  // Every problem of a request is reported at once (allErrors); `verbose` gives each error its
  // schema, whose property names and enum values a near miss is compared with.
  const paramAjv = addFormats(new Ajv2020({ strict: false, allErrors: true, verbose: true, coerceTypes: 'array', useDefaults: true }));
  const bodyAjv = addFormats(new Ajv2020({ strict: false, allErrors: true, verbose: true }));
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

  const propertyNames: PropertyNames = (schema) => {
    const names = new Set<string>();
    const seen = new Set<unknown>();
    const walk = (node: unknown) => {
      if (node === null || typeof node !== 'object' || seen.has(node)) return;
      seen.add(node);
      const n = node as Json;
      if (typeof n.$ref === 'string') walk(resolve({ $ref: n.$ref.replace(SPEC_ID, '') }));
      for (const key of Object.keys((n.properties ?? {}) as Json)) names.add(key);
      for (const list of [n.allOf, n.anyOf, n.oneOf]) if (Array.isArray(list)) list.forEach(walk);
      walk(n.then);
      walk(n.else);
    };
    walk(schema);
    return [...names];
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
        names: propertyNames,
      };
      const requestBody = op.requestBody ? resolve(op.requestBody) : undefined;
      const bodySchema = (requestBody?.content as Json | undefined)?.['application/json'] as Json | undefined;
      if (requestBody && bodySchema) {
        entry.body = {
          validate: bodyAjv.compile(rewriteRefs(bodySchema.schema ?? {}) as Json),
          required: requestBody.required === true,
          fieldPrefix: typeof op['x-bosun-body'] === 'string' ? `${op['x-bosun-body']}.` : '',
          names: propertyNames,
        };
      }
      compiled.set(`${method.toUpperCase()} ${path}`, entry);
    }
  }

  // The handlers with an endpoint of their own (`POST /jobs/noop`): what a misspelt one is compared with.
  const handlerPaths = () => [...compiled.keys()].filter((k) => /^POST \/jobs\/[^/{]+$/.test(k)).map((k) => k.slice('POST /jobs/'.length));

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
            const name = pathParams.handler ?? '';
            const message = `unknown handler '${name}' (GET /api/v1/handlers lists them)`;
            const suggestion = suggest(name, handlerPaths());
            throw new BosunError('unknown-handler', `${message}${didYouMean(suggestion)}`, {
              field: 'handler',
              details: { errors: [{ field: 'handler', message, ...(suggestion ? { suggestion } : {}) }] },
            });
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
  if (!op.params(values)) throw toValidationError(op.params.errors ?? [], 'parameter', '', op.names);
  return values;
}

async function readBody(request: Request, body: NonNullable<CompiledOperation['body']>): Promise<unknown> {
  const value = await readJsonBody(request, body.fieldPrefix);
  if (value === undefined) {
    if (body.required) throw new ValidationError('a JSON request body is required', { field: 'body' });
    return undefined;
  }
  if (!body.validate(value)) throw toValidationError(body.validate.errors ?? [], 'body', body.fieldPrefix, body.names);
  return value;
}

/** Every ajv error as one ValidationError: the first names the field, `errors` lists them all. */
function toValidationError(errors: ErrorObject[], where: 'parameter' | 'body', prefix: string, names: PropertyNames): ValidationError {
  // anyOf/oneOf/if only say that a branch failed; the errors inside it name the field.
  const useful = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if');
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const e of useful.length > 0 ? useful : errors) {
    const problem = describeError(e, where, prefix, names);
    const key = `${problem.field}\n${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  const first = problems[0];
  if (!first) return new ValidationError(`invalid ${where}`);
  const text = (p: FieldProblem) => `${p.message}${didYouMean(p.suggestion)}`;
  const message = problems.length === 1 ? text(first) : `${problems.length} problems: ${problems.map(text).join('; ')}`;
  return new ValidationError(message, { ...(first.field === '' ? {} : { field: first.field }), details: { errors: problems } });
}

function describeError(e: ErrorObject, where: 'parameter' | 'body', prefix: string, names: PropertyNames): FieldProblem {
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Json;
  if (e.keyword === 'required') path.push(String(params.missingProperty));
  if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') {
    const name = String(params.additionalProperty ?? params.unevaluatedProperty);
    const field = prefix + [...path, name].join('.');
    const what = where === 'parameter' ? 'query parameter' : 'field';
    const known = names(e.parentSchema);
    const suggestion = suggest(name, known);
    return { field, message: `unknown ${what} '${field}'`, ...(suggestion ? { suggestion } : {}) };
  }
  const field = prefix + path.join('.');
  const label = field === '' ? (where === 'body' ? 'the request body' : 'the parameters') : `'${field}'`;
  if (e.keyword === 'enum') {
    const allowed = params.allowedValues as unknown[];
    const suggestion = typeof e.data === 'string' ? suggest(e.data, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
    return { field, message: `${label} ${e.message ?? 'is invalid'}: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`, ...(suggestion ? { suggestion } : {}) };
  }
  return { field, message: e.keyword === 'required' ? `${label} is required` : `${label} ${e.message ?? 'is invalid'}` };
}

/** `#/components/…` refs, pointed at the spec document registered in ajv. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? SPEC_ID + v : rewriteRefs(v)]),
  );
}
