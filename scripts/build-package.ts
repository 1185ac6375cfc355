#!/usr/bin/env node
// Builds dist/, what the npm package runs: Node does not strip types from files under
// node_modules, so the package ships JavaScript (and declarations for `bosun/client`), built
// by tsc from the same sources. dist/ mirrors the repository's layout, so every path the code
// finds beside itself (openapi.yaml, migrations/, handlers/, the dashboard's assets) is there too.
// Run by `npm pack` and `npm publish` (prepack).
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}dist/`;

rmSync(DIST, { recursive: true, force: true });
execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`], { stdio: 'inherit' });

// Files the code reads at run time, relative to its own location.
for (const path of ['openapi.yaml', 'schemas/', 'src/dashboard/assets/']) cpSync(`${ROOT}${path}`, `${DIST}${path}`, { recursive: true });
// The version, read by tracing as `../../package.json` from dist/src/tracing/.
const { name, version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { name: string; version: string };
writeFileSync(`${DIST}package.json`, `${JSON.stringify({ name, version, type: 'module', private: true }, null, 2)}\n`);
process.stdout.write(`dist/: ${name} ${version} built\n`);
