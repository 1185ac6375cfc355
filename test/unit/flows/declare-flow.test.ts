import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { parseFlowFile } from '../../../src/flows/load-flow-files.ts';
import { findCycle, topologicalOrder } from '../../../src/flows/graph.ts';

const registry = await loadHandlers();
const step = (id: string, waits = '[]', extra = '') => `  - id: ${id}\n    handler: noop\n    waits: ${waits}\n${extra}`;
const flow = (...steps: string[]) => `name: f\nsteps:\n${steps.join('')}`;

test('a diamond declares, kwargs validated and defaults filled', () => {
  const text = flow(step('a'), step('b', '[a]'), step('c', '[a]'), step('d', '[b, c]'));
  const { flow: f, problems } = parseFlowFile(text, 'f.yaml', registry);
  assert.deepEqual(problems, []);
  assert.deepEqual(topologicalOrder(f!.steps), ['a', 'b', 'c', 'd']);
});

// Each invalid declaration: the message names the step, and the line points at the key at fault.
const invalid: Array<{ name: string; text: string; line: number; match: RegExp }> = [
  { name: 'missing id', text: flow(step('a'), '  - handler: noop\n'), line: 6, match: /step 2: id is required/ },
  { name: 'duplicate id', text: flow(step('a'), step('a')), line: 6, match: /step 'a' is declared twice \(first as step 1\)/ },
  { name: 'unknown id in waits', text: flow(step('a'), step('b', '[a, zz]')), line: 8, match: /step 'b' waits for 'zz', which is not a step of this flow/ },
  { name: 'waits for itself', text: flow(step('a', '[a]')), line: 5, match: /step 'a' waits for itself/ },
  { name: 'cycle named', text: flow(step('a', '[c]'), step('b', '[a]'), step('c', '[b]')), line: 5, match: /cycle: a waits for c waits for b waits for a/ },
  { name: 'unknown handler', text: 'name: f\nsteps:\n  - id: a\n    handler: nope\n', line: 4, match: /step 'a': unknown handler 'nope'/ },
  { name: 'bad kwargs', text: 'name: f\nsteps:\n  - id: a\n    handler: command\n    kwargs: {command: 5}\n', line: 5, match: /step 'a': invalid kwargs for handler 'command'/ },
  { name: 'bad placeholder', text: 'name: f\nsteps:\n  - id: a\n    handler: command\n    kwargs: {command: ["${1+1}"]}\n', line: 5, match: /step 'a': \$\{1\+1\} is not a path/ },
  { name: 'reference to a step not waited for', text: flow(step('a'), '  - id: b\n    handler: command\n    kwargs: {command: ["echo", "${steps.a.result}"]}\n'), line: 8, match: /step 'b' refers to \$\{steps\.a\.result\} but it does not wait for 'a'/ },
  { name: 'unknown step field', text: flow(step('a', '[]', '    retrys: 2\n')), line: 6, match: /step 'a': unknown field 'retrys'/ },
  { name: 'bad timeout', text: flow(step('a', '[]', '    timeout: soon\n')), line: 6, match: /step 'a': .*timeout/ },
  { name: 'no steps', text: 'name: f\nsteps: []\n', line: 2, match: /steps must be a non-empty list/ },
  { name: 'no name', text: 'steps:\n  - {id: a, handler: noop}\n', line: 1, match: /name is required/ },
  { name: 'yaml syntax', text: 'name: f\nsteps: [\n', line: 3, match: /./ },
];

for (const c of invalid) {
  test(`refused: ${c.name}`, () => {
    const { flow: f, problems } = parseFlowFile(c.text, 'flows/f.yaml', registry);
    assert.equal(f, undefined);
    assert.ok(problems.length > 0);
    const p = problems[0]!;
    assert.match(p.message, c.match);
    assert.equal(p.file, 'flows/f.yaml');
    assert.equal(p.line, c.line, `${p.message} at line ${p.line}`);
  });
}

test('findCycle: none in a DAG, the loop otherwise', () => {
  assert.equal(findCycle([{ id: 'a', waits: [] }, { id: 'b', waits: ['a'] }]), null);
  assert.deepEqual(findCycle([{ id: 'a', waits: ['b'] }, { id: 'b', waits: ['a'] }]), ['a', 'b', 'a']);
});
