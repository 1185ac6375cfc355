import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { HandlerClass, JsonSchema } from '../handlers/base-handler.ts';

export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

/** The contract as committed: `openapi.yaml` at the repository root, text and parsed. */
export interface OpenApiSpec {
  yaml: string;
  json: Record<string, unknown>;
}

/** Reads and parses openapi.yaml once. */
export function loadOpenApi(path: string = OPENAPI_PATH): OpenApiSpec {
  const yaml = readFileSync(path, 'utf8');
  return { yaml, json: parse(yaml) as Record<string, unknown> };
}

// The handler endpoints sit between these two lines of openapi.yaml;
// scripts/generate-openapi.ts rewrites what is between them, nothing else.
export const GENERATED_BEGIN = '  # BEGIN generated handler endpoints (scripts/generate-openapi.ts; do not edit by hand)';
export const GENERATED_END = '  # END generated handler endpoints';

/** The OpenAPI path item of one handler's seed-style endpoint, `POST /jobs/{name}`, from its kwargs schema. */
export function handlerPathItem(handler: HandlerClass): Record<string, unknown> {
  const schema = handler.kwargsSchema;
  const opName = handler.name.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, ch: string) => ch.toUpperCase());
  const description =
    `${handler.description || `Creates a \`${handler.name}\` job.`}\n\n` +
    `Creates a \`${handler.name}\` job: the body is the handler's kwargs, the schedule is in the query ` +
    `(the seed service's form; \`POST /jobs\` takes everything in the body). ` +
    'Without `periodically` or `cron` the job runs once, at `when` (now when omitted). ' +
    'The job, its first occurrence and its `created` audit entry are stored in one transaction.' +
    (handler.powerful === true ? ` \`${handler.name}\` is powerful: an admin token or a token granted it (\`bosun tokens create --handlers ${handler.name}\`) is needed, else 403.` : '');
  return {
    'x-bosun-handler': handler.name,
    post: {
      tags: ['handler jobs'],
      operationId: `create${opName}Job`,
      summary: `Create a ${handler.name} job`,
      description,
      'x-bosun-body': 'kwargs',
      parameters: [
        { $ref: '#/components/parameters/CreateState' },
        { $ref: '#/components/parameters/CreateJobId' },
        { $ref: '#/components/parameters/Periodically' },
        { $ref: '#/components/parameters/Cron' },
        { $ref: '#/components/parameters/When' },
        { $ref: '#/components/parameters/Timezone' },
        { $ref: '#/components/parameters/MisfireGraceTime' },
      ],
      requestBody: {
        required: Array.isArray(schema.required) && schema.required.length > 0,
        description: `The \`${handler.name}\` handler's kwargs.`,
        content: { 'application/json': { schema, example: exampleFor(schema) } },
      },
      responses: {
        '201': { $ref: '#/components/responses/JobCreated' },
        '400': { $ref: '#/components/responses/Problem' },
        '401': { $ref: '#/components/responses/Problem' },
        // Only tokens granted a powerful handler (or admin) may create its jobs.
        ...(handler.powerful === true ? { '403': { $ref: '#/components/responses/HandlerForbidden' } } : {}),
        '409': { $ref: '#/components/responses/Problem' },
        '413': { $ref: '#/components/responses/Problem' },
      },
    },
  };
}

/** Path items for every handler, keyed `/jobs/<name>`, sorted by name. */
export function handlerPaths(handlers: readonly HandlerClass[]): Record<string, unknown> {
  const sorted = [...handlers].sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(sorted.map((h) => [`/jobs/${h.name}`, handlerPathItem(h)]));
}

/** An example a schema accepts: its own `examples[0]`, `default`, else one built from required properties. */
export function exampleFor(schema: JsonSchema): unknown {
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('example' in schema) return schema.example;
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties !== undefined) {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    return Object.fromEntries(required.filter((k) => props[k] !== undefined).map((k) => [k, exampleFor(props[k]!)]));
  }
  if (type === 'array') {
    const item = schema.items && typeof schema.items === 'object' ? exampleFor(schema.items as JsonSchema) : 'example';
    return Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () => item);
  }
  if (Array.isArray(schema.oneOf) && schema.oneOf.length > 0) return exampleFor(schema.oneOf[0] as JsonSchema);
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) return exampleFor(schema.anyOf[0] as JsonSchema);
  if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1;
  if (type === 'boolean') return false;
  return 'example';
}

/** The YAML text of the generated block (indented under `paths:`), between its marker lines. */
export function generatedBlock(handlers: readonly HandlerClass[]): string {
  const body = stringify(handlerPaths(handlers), { lineWidth: 0, aliasDuplicateObjects: false })
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `${GENERATED_BEGIN}\n${handlers.length ? `${body}\n` : ''}${GENERATED_END}`;
}

// Each handler's kwargs schema chosen by `handler` in `POST /jobs` (JobInput), between these lines.
export const KWARGS_BEGIN = '    # BEGIN generated handler kwargs (scripts/generate-openapi.ts; do not edit by hand)';
export const KWARGS_END = '    # END generated handler kwargs';

/**
 * The `HandlerKwargs` schema: one `if handler is X then kwargs is X's kwargs` per handler, so a
 * client generated from the spec, and the request validator, know each handler's kwargs. A handler
 * is named by its name or its class-style name (`command`, `Command`).
 */
export function handlerKwargsSchema(handlers: readonly HandlerClass[]): Record<string, unknown> {
  const sorted = [...handlers].sort((a, b) => a.name.localeCompare(b.name));
  return {
    description: "Each handler's kwargs, chosen by `handler` (its name or class-style name); GET /handlers lists the same schemas.",
    allOf: sorted.map((h) => {
      const names = [...new Set([h.name, pascalName(h.name)])];
      const required = Array.isArray(h.kwargsSchema.required) && h.kwargsSchema.required.length > 0;
      return {
        if: { properties: { handler: names.length === 1 ? { const: names[0] } : { enum: names } }, required: ['handler'] },
        then: { properties: { kwargs: h.kwargsSchema }, ...(required ? { required: ['kwargs'] } : {}) },
      };
    }),
  };
}

function pascalName(kebab: string): string {
  return kebab.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, ch: string) => ch.toUpperCase());
}

/** The YAML text of the generated `HandlerKwargs` schema (indented under `schemas:`), between its marker lines. */
export function kwargsBlock(handlers: readonly HandlerClass[]): string {
  const body = stringify({ HandlerKwargs: handlerKwargsSchema(handlers) }, { lineWidth: 0, aliasDuplicateObjects: false })
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `${KWARGS_BEGIN}\n${body}\n${KWARGS_END}`;
}

function replaceBetween(text: string, beginMarker: string, endMarker: string, block: string, what: string): string {
  const begin = text.indexOf(beginMarker);
  const end = text.indexOf(endMarker);
  if (begin < 0 || end < begin) throw new Error(`openapi.yaml lacks the generated ${what} markers`);
  return text.slice(0, begin) + block + text.slice(end + endMarker.length);
}

/** openapi.yaml's text with the generated blocks replaced by the endpoints and kwargs schemas of `handlers`. */
export function withHandlerEndpoints(yamlText: string, handlers: readonly HandlerClass[]): string {
  const endpoints = replaceBetween(yamlText, GENERATED_BEGIN, GENERATED_END, generatedBlock(handlers), 'handler endpoints');
  return replaceBetween(endpoints, KWARGS_BEGIN, KWARGS_END, kwargsBlock(handlers), 'handler kwargs');
}

/** The spec as served: the committed contract with an endpoint for every loaded handler (built-in and user's). */
export function servedSpec(committed: OpenApiSpec, handlers: readonly HandlerClass[]): OpenApiSpec {
  const yaml = withHandlerEndpoints(committed.yaml, handlers);
  return { yaml, json: parse(yaml) as Record<string, unknown> };
}
