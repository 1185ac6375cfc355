#!/usr/bin/env node
// The `bosun` command (package.json `bin`). Node strips types only outside node_modules: a
// checkout runs the TypeScript sources, an installed package the JavaScript built into dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/src/cli/main.js', import.meta.url).href);
