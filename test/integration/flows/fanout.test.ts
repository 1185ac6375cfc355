import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fanoutFlowYaml } from '../../../src/flows/fanout-flow.ts';
import { finished, flowsFixture } from './flow-fixture.ts';

const { flows } = await flowsFixture({ 'fanout.yaml': fanoutFlowYaml('fanout', 1000) }, { concurrency: 16 });

test('a 1 000-step fan-out (start → 1 000 leaves → join) completes, join last', async () => {
  const began = Date.now();
  const run = await flows.commands.start('fanout', {});
  const { run: done, steps } = await finished(flows, run.flow_run_id, 50_000);
  assert.equal(done.status, 'succeeded');
  assert.equal(steps.length, 1002);
  assert.ok(steps.every((s) => s.status === 'succeeded' && s.attempts_total === 1));
  const join = steps.find((s) => s.step_id === 'join')!;
  const lastLeafEnd = Math.max(...steps.filter((s) => s.step_id.startsWith('leaf_')).map((s) => s.finished_at!.getTime()));
  assert.ok(join.started_at!.getTime() >= lastLeafEnd, 'join started after every leaf finished');
  const start = steps.find((s) => s.step_id === 'start')!;
  assert.ok(steps.filter((s) => s.step_id.startsWith('leaf_')).every((s) => s.started_at!.getTime() >= start.finished_at!.getTime()));
  console.log(`fan-out of 1 000 steps: ${Date.now() - began} ms`);
});
