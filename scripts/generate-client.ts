#!/usr/bin/env node
// Regenerates src/client/openapi-types.ts, the types of the typed client, from openapi.yaml.
// `--check` only reports whether the committed file matches the spec (exit 1 when it drifted).
// `--spec <file>` and `--out <file>` point elsewhere (the drift test uses them).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    spec: { type: 'string', default: `${ROOT}openapi.yaml` },
    out: { type: 'string', default: `${ROOT}src/client/openapi-types.ts` },
  },
});

const HEADER = `// Generated from openapi.yaml by scripts/generate-client.ts (\`npm run openapi:client\`): do not edit.
// test/unit/client/client-types.test.ts fails when this file and the spec disagree.
`;

const ast = await openapiTS(readFileSync(values.spec, 'utf8'), {
  // The spec's own rules decide what is required; no "default makes it present" guesses.
  defaultNonNullable: false,
  // An object schema without properties (kwargs, a handler's schema) takes any members, as JSON
  // Schema says; not `Record<string, never>`.
  emptyObjectsUnknown: true,
});
const next = HEADER + astToString(ast);
const current = readOrEmpty(values.out);

if (values.check) {
  if (next !== current) {
    process.stderr.write(`${values.out} does not match ${values.spec}: run \`npm run openapi:client\` and commit it\n`);
    process.exit(1);
  }
  process.stdout.write('the client types are up to date\n');
} else if (next === current) {
  process.stdout.write('the client types are up to date\n');
} else {
  writeFileSync(values.out, next);
  process.stdout.write(`${values.out}: regenerated from ${values.spec}\n`);
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
