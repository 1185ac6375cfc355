#!/usr/bin/env node
// Regenerates the handler endpoints of openapi.yaml (`POST /jobs/{name}` for every built-in
// handler in handlers/, from its kwargs schema). `--check` only reports whether the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadHandlers, BUILTIN_HANDLERS_DIR } from '../src/handlers/registry.ts';
import { OPENAPI_PATH, withHandlerEndpoints } from '../src/api/openapi.ts';

const registry = await loadHandlers([BUILTIN_HANDLERS_DIR]);
const current = readFileSync(OPENAPI_PATH, 'utf8');
const next = withHandlerEndpoints(current, registry.list());
if (process.argv.includes('--check')) {
  if (next !== current) {
    process.stderr.write('openapi.yaml is stale: run `npm run openapi` and commit it\n');
    process.exit(1);
  }
  process.stdout.write('openapi.yaml is up to date\n');
} else if (next === current) {
  process.stdout.write('openapi.yaml is up to date\n');
} else {
  writeFileSync(OPENAPI_PATH, next);
  process.stdout.write(`openapi.yaml: handler endpoints regenerated (${registry.list().map((h) => h.name).join(', ')})\n`);
}
