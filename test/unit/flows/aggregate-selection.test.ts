import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateStatus } from '../../../src/flows/aggregate.ts';
import type { FlowDefinition, StepStatus } from '../../../src/flows/flow.ts';
import { selectSteps } from '../../../src/flows/selection.ts';

const rows: Array<[StepStatus[], string]> = [
  [['waiting', 'queued'], 'running'],
  [['succeeded', 'running'], 'running'],
  [['failed', 'running'], 'various'],
  [['blocked', 'queued', 'succeeded'], 'various'],
  [['succeeded', 'skipped'], 'succeeded'],
  [['succeeded', 'failed', 'blocked'], 'failed'],
  [['timed_out'], 'failed'],
];
for (const [statuses, expected] of rows) test(`aggregate ${statuses.join(',')} → ${expected}`, () => assert.equal(aggregateStatus(statuses), expected));

const step = (id: string, waits: string[], handler = 'noop') => ({ id, handler, waits, kwargs: {}, description: null, timeout_ms: null, retries: 0, retry_delay_ms: 0, retry_backoff: 1 });
// a → b → sub (starts a flow) → after; a → c
const flow: FlowDefinition = { name: 'f', description: null, source: 'file', file: 'f.yaml', owner: null, updated_at: null, steps: [step('a', []), step('b', ['a']), step('c', ['a']), step('sub', ['b'], 'flow-scheduling'), step('after', ['sub'])] };
const sel = (task_names: string[], run_subsequent = false, follow_subflows = false) => [...selectSteps(flow, { task_names, run_subsequent, follow_subflows })].sort();

test('selection: only the named steps', () => assert.deepEqual(sel(['b']), ['b']));
test('selection: run_subsequent stops at subflows', () => assert.deepEqual(sel(['a'], true), ['a', 'b', 'c']));
test('selection: follow_subflows goes through them', () => assert.deepEqual(sel(['a'], true, true), ['a', 'after', 'b', 'c', 'sub']));
test('selection: a named subflow step runs, and what follows it', () => assert.deepEqual(sel(['sub'], true), ['after', 'sub']));
test('selection: unknown task names are refused, naming them', () => assert.throws(() => sel(['zz']), /task_names: 'zz' not step\(s\) of flow 'f'/));
