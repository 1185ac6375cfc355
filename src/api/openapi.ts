import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

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
