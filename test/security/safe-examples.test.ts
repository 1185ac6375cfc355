// Issue 24: Swagger UI's "Try it out" sends an operation's example as it is, and a job created
// that way runs at once. Every example a handler endpoint offers must be harmless: commands only
// echo, HTTP calls go to bosun's own liveness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOpenApi, servedSpec } from '../../src/api/openapi.ts';
import { loadHandlers } from '../../src/handlers/registry.ts';

type Node = Record<string, unknown>;
const spec = servedSpec(loadOpenApi(), (await loadHandlers()).list()).json as { paths: Record<string, { post?: Node }> };

/** Every value under an `example` or `examples` key of a handler endpoint, with the handler's name. */
function examplesOf(handler: string, node: unknown, found: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (Array.isArray(node)) for (const item of node) examplesOf(handler, item, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example') found.push([handler, value]);
      else if (key === 'examples' && Array.isArray(value)) for (const v of value) found.push([handler, v]);
      else examplesOf(handler, value, found);
    }
  }
  return found;
}

const handlerPaths = Object.entries(spec.paths).filter(([, item]) => typeof (item as Node)['x-bosun-handler'] === 'string');

test('every handler endpoint is found', () => {
  assert.ok(handlerPaths.some(([path]) => path === '/jobs/command'));
  assert.ok(handlerPaths.some(([path]) => path === '/jobs/http'));
});

for (const [path, item] of handlerPaths) {
  const handler = (item as Node)['x-bosun-handler'] as string;
  test(`${path}: every example is harmless to try`, () => {
    for (const [, example] of examplesOf(handler, item.post)) {
      const text = JSON.stringify(example);
      if (handler === 'command') {
        const command = typeof example === 'object' && example !== null && 'command' in example ? (example as Node).command : example;
        const argv0 = Array.isArray(command) ? command[0] : typeof command === 'string' ? command.split(/\s+/)[0] : undefined;
        if (argv0 !== undefined) assert.equal(argv0, 'echo', `a command example that does more than echo: ${text}`);
      }
      for (const url of text.match(/https?:\/\/[^"\\]+/g) ?? []) {
        const u = new URL(url);
        assert.ok(['127.0.0.1', 'localhost'].includes(u.hostname) && u.pathname === '/api/v1/liveness', `an example URL other than bosun's liveness: ${url}`);
      }
      assert.doesNotMatch(text, /\b(rm|find|delete|mkfs|dd|curl|wget|sh -c)\b/, `an example that changes things: ${text}`);
    }
  });
}
