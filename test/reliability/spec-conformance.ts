// Whether an answer of the API is one openapi.yaml declares: the operation (path and method) exists
// and lists the status, and a JSON body fits the declared schema. The spec as served is used, so
// the endpoints of loaded handlers are in it.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

// What the edge answers on any route before the route runs, as the spec's introduction says:
// a malformed percent-encoding, a NUL or lone surrogate (400), a token that is not one (401, on
// every path, known or not), a cross-site write (403), a body too big (413), a body that is not
// JSON (415), a Host not ours (421), and a method the path does not have (405), always as
// problem+json. OPTIONS on any path is a CORS preflight: 204 with `Allow`.
const EDGE_STATUSES = new Set([400, 401, 403, 405, 413, 415, 421]);

interface Route {
  pattern: RegExp;
  /** Literal segments first: `/jobs/noop` wins over `/jobs/{job_id}`, as the router does. */
  literals: number;
  item: Json;
}

export interface SpecChecker {
  /** Undefined when the answer fits the spec, else what is off: `kind` without the request's values, `detail` with them. */
  check(method: string, url: string, status: number, contentType: string | null, body: string): { kind: string; detail: string } | undefined;
}

export function specChecker(spec: Json, basePath = '/api/v1'): SpecChecker {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: false }));
  ajv.addSchema({ $id: 'spec.json', components: spec.components });
  const validators = new Map<unknown, ValidateFunction>();
  const validatorFor = (schema: unknown): ValidateFunction => {
    let v = validators.get(schema);
    if (!v) {
      v = ajv.compile(rewriteRefs(schema) as Json);
      validators.set(schema, v);
    }
    return v;
  };
  const resolve = (value: unknown): Json => {
    const ref = (value as Json | undefined)?.$ref;
    if (typeof ref !== 'string') return value as Json;
    let node: unknown = spec;
    for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return resolve(node);
  };
  const routes: Route[] = Object.entries(spec.paths as Record<string, Json>)
    .map(([path, item]) => ({
      pattern: new RegExp(`^${path.split('/').map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`),
      literals: path.split('/').filter((s) => s !== '' && !s.startsWith('{')).length,
      item,
    }))
    .sort((a, b) => b.literals - a.literals);

  return {
    check(method, url, status, contentType, body) {
      const off = checkAnswer(method, url, status, contentType, body);
      if (off === undefined) return undefined;
      const pathname = new URL(url).pathname.slice(basePath.length);
      const route = Object.keys(spec.paths as Json).find((p) => routes.find((r) => r.item === (spec.paths as Json)[p])?.pattern.test(pathname)) ?? '(no path)';
      return { kind: `${method} ${route} → ${status}: ${off.replace(/ — .*/, '').replace(/^[^:]*: /, '')}`, detail: off };
    },
  };

  function checkAnswer(method: string, url: string, status: number, contentType: string | null, body: string): string | undefined {
    {
      const pathname = new URL(url).pathname;
      if (!pathname.startsWith(`${basePath}/`)) return undefined;
      const path = pathname.slice(basePath.length);
      const where = `${method} ${path} → ${status}`;
      const isProblem = contentType?.startsWith('application/problem+json') ?? false;
      const candidates = routes.filter((r) => r.pattern.test(path));
      if (method === 'OPTIONS' && status === 204) return undefined;
      const op = candidates.map((r) => r.item[method === 'HEAD' ? 'get' : method.toLowerCase()] as Json | undefined).find(Boolean);
      if (op === undefined) {
        // No such operation: 404 for a path the spec does not have, 405 for a method it lacks.
        if (!METHODS.includes(method.toLowerCase()) || candidates.length > 0) return status === 405 || status === 404 || EDGE_STATUSES.has(status) ? problemShape(where, isProblem, status, body) : `${where}: no operation, yet not 404/405`;
        return status === 404 || EDGE_STATUSES.has(status) ? problemShape(where, isProblem, status, body) : `${where}: a path the spec lacks answered ${status}`;
      }
      const responses = op.responses as Record<string, unknown>;
      const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
      if (declared === undefined) {
        if (EDGE_STATUSES.has(status) || (status === 401 && op.security === undefined)) return problemShape(where, isProblem, status, body);
        return `${where}: status not declared (declared: ${Object.keys(responses).join(', ')})`;
      }
      if (method === 'HEAD' || body === '') return undefined;
      const content = (resolve(declared).content ?? {}) as Record<string, Json>;
      const type = contentType?.split(';')[0]?.trim() ?? '';
      const media = content[type];
      if (media === undefined) {
        if (Object.keys(content).length === 0) return `${where}: a body where the spec declares none`;
        return `${where}: content type ${type || '(none)'} not declared (${Object.keys(content).join(', ')})`;
      }
      if (!type.endsWith('json') || media.schema === undefined) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return `${where}: ${type} that is not JSON`;
      }
      const validate = validatorFor(media.schema);
      if (!validate(parsed)) return `${where}: body does not fit the schema: ${ajv.errorsText(validate.errors)} — ${body.slice(0, 200)}`;
      return undefined;
    }
  }

  function problemShape(where: string, isProblem: boolean, status: number, body: string): string | undefined {
    if (body === '') return undefined;
    if (!isProblem) return `${where}: an error that is not problem+json`;
    const validate = validatorFor({ $ref: '#/components/schemas/Problem' });
    const parsed = JSON.parse(body) as Json;
    if (!validate(parsed)) return `${where}: problem does not fit Problem: ${ajv.errorsText(validate.errors)}`;
    return parsed.status === status ? undefined : `${where}: problem.status ${String(parsed.status)} is not the HTTP status`;
  }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec.json${v}` : rewriteRefs(v)]));
}
