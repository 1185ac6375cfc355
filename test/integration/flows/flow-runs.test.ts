import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failing, failTimes, finished, flowsFixture, probes, statuses } from './flow-fixture.ts';

const DIAMOND = `
name: diamond
steps:
  - id: a
    handler: probe
    kwargs: {name: "a-\${args.tag}", ms: 50, echo: {path: "/tmp/\${args.tag}"}}
  - id: b
    handler: probe
    waits: [a]
    kwargs: {name: "b-\${args.tag}", ms: 300, echo: "\${steps.a.result.echo.path}"}
  - id: c
    handler: probe
    waits: [a]
    kwargs: {name: "c-\${args.tag}", ms: 900}
  - id: d
    handler: probe
    waits: [b, c]
    kwargs: {name: "d-\${args.tag}", echo: "\${steps.b.result.echo}"}
`;
const CHAIN = `
name: retrying
steps:
  - id: first
    handler: probe
    kwargs: {name: "first-\${args.tag}"}
    retries: 2
    retry_delay: 100ms
`;

// 40 parallel leaves between a start and a join: their settles race for the join's row and the run's counters.
const WIDE = `
name: wide
steps:
  - {id: start, handler: probe, kwargs: {name: "start-\${args.tag}"}}
${Array.from({ length: 40 }, (_, i) => `  - {id: leaf_${i}, handler: probe, waits: [start], kwargs: {name: "leaf${i}-\${args.tag}", ms: ${i % 7}}}`).join('\n')}
  - {id: join, handler: probe, waits: [${Array.from({ length: 40 }, (_, i) => `leaf_${i}`).join(', ')}], kwargs: {name: "join-\${args.tag}"}}
  - {id: after, handler: probe, waits: [join], kwargs: {name: "after-\${args.tag}"}}
`;

const { flows, db } = await flowsFixture({ 'diamond.yaml': DIAMOND, 'retrying.yaml': CHAIN, 'wide.yaml': WIDE }, { concurrency: 12 });
const of = (tag: string) => probes.filter((p) => p.name.endsWith(`-${tag}`));
const probe = (name: string) => probes.find((p) => p.name === name)!;

test('diamond: a, then b and c in parallel, then d; results flow into kwargs', async () => {
  const run = await flows.commands.start('diamond', { tag: 'ok' });
  assert.equal(run.status, 'running');
  const { run: done, steps } = await finished(flows, run.flow_run_id);
  assert.equal(done.status, 'succeeded');
  assert.deepEqual(statuses(steps), { a: 'succeeded', b: 'succeeded', c: 'succeeded', d: 'succeeded' });
  const [a, b, c, d] = ['a-ok', 'b-ok', 'c-ok', 'd-ok'].map(probe);
  assert.ok(b!.start >= a!.end && c!.start >= a!.end, 'b and c start after a ended');
  assert.ok(b!.start < c!.end && c!.start < b!.end, 'b and c overlap (parallel branches)');
  assert.ok(d!.start >= Math.max(b!.end, c!.end), 'd starts after both');
  const byId = Object.fromEntries(steps.map((s) => [s.step_id, s]));
  assert.deepEqual(byId.b!.result, { name: 'b-ok', echo: '/tmp/ok' });
  assert.deepEqual(byId.d!.resolved_kwargs, { name: 'd-ok', echo: '/tmp/ok', ms: 0 });
  for (const s of steps) {
    assert.equal(s.attempts_total, 1);
    assert.ok(s.started_at && s.finished_at && s.finished_at >= s.started_at);
  }
  assert.ok(done.finished_at);
});

test('a failed step blocks its dependants, fails the flow (various while a branch still runs); rerun runs only what failed', async () => {
  failing.add('b-bad');
  const run = await flows.commands.start('diamond', { tag: 'bad' });
  // While c still runs after b failed, the run reports various.
  let sawVarious = false;
  for (let i = 0; i < 100 && !sawVarious; i++) {
    sawVarious = (await flows.commands.get(run.flow_run_id)).run.status === 'various';
    await new Promise((r) => setTimeout(r, 10));
  }
  const { run: failed, steps } = await finished(flows, run.flow_run_id);
  assert.equal(failed.status, 'failed');
  assert.ok(sawVarious, 'status was various while c still ran');
  assert.deepEqual(statuses(steps), { a: 'succeeded', b: 'failed', c: 'succeeded', d: 'blocked' });
  const b = steps.find((s) => s.step_id === 'b')!;
  assert.equal(b.exit_code, 3);
  assert.match(b.error ?? '', /told to fail/);
  assert.equal(of('bad').filter((p) => p.name === 'd-bad').length, 0, 'd never ran');
  const failures = await db.selectFrom('failures').selectAll().where('run_id', '=', b.step_run_id).execute();
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.job_id, 'flow:diamond');

  failing.delete('b-bad');
  await assert.rejects(flows.commands.rerun(run.flow_run_id).then(() => flows.commands.rerun(run.flow_run_id)), /only a failed flow run can be rerun/);
  const again = await finished(flows, run.flow_run_id);
  assert.equal(again.run.status, 'succeeded');
  assert.equal(again.run.reruns, 1);
  const ran = of('bad').map((p) => p.name);
  assert.deepEqual(ran.filter((n) => n === 'a-bad').length, 1, 'a ran once');
  assert.deepEqual(ran.filter((n) => n === 'c-bad').length, 1, 'c ran once');
  assert.deepEqual(ran.filter((n) => n === 'b-bad').length, 2, 'b ran again');
  assert.deepEqual(ran.filter((n) => n === 'd-bad').length, 1, 'd ran after the rerun');
});

test('rerun of a run that did not fail is refused', async () => {
  const run = await flows.commands.start('diamond', { tag: 'fine' });
  await finished(flows, run.flow_run_id);
  await assert.rejects(flows.commands.rerun(run.flow_run_id), (err: Error & { code?: string }) => err.code === 'conflict');
});

test('retries: a step failing twice then succeeding takes three attempts, one failure row each', async () => {
  failTimes.set('first-r', 2);
  const began = Date.now();
  const run = await flows.commands.start('retrying', { tag: 'r' });
  const { run: done, steps } = await finished(flows, run.flow_run_id);
  assert.equal(done.status, 'succeeded');
  assert.equal(steps[0]!.attempts_total, 3);
  const failures = await db.selectFrom('failures').select('attempt').where('run_id', '=', steps[0]!.step_run_id).orderBy('attempt').execute();
  assert.deepEqual(failures.map((f) => f.attempt), [1, 2]);
  // A retry is due after retry_delay (100 ms): a local worker is woken then, not at the next poll (2 s).
  assert.ok(Date.now() - began < 1500, `took ${Date.now() - began} ms`);
});

test('a missing argument is refused at start, naming the step', async () => {
  await assert.rejects(flows.commands.start('diamond', {}), /flow 'diamond' needs argument 'tag' \(step 'a' uses \$\{args\.tag\}/);
  await assert.rejects(flows.commands.start('nope', {}), /flow 'nope' not found/);
});

test('selective: only the named steps and, with run_subsequent, their dependants; the rest skipped', async () => {
  const only = await flows.commands.start('diamond', { tag: 'sel1' }, { selection: { task_names: ['c'], run_subsequent: false, follow_subflows: false } });
  const one = await finished(flows, only.flow_run_id);
  assert.deepEqual(statuses(one.steps), { a: 'skipped', b: 'skipped', c: 'succeeded', d: 'skipped' });
  assert.equal(one.run.status, 'succeeded');
  const sub = await flows.commands.start('diamond', { tag: 'sel2' }, { selection: { task_names: ['c'], run_subsequent: true, follow_subflows: false } });
  const two = await finished(flows, sub.flow_run_id);
  // d reads ${steps.b.result.echo}, and b was skipped: a skipped step's result is null, so is what lies below it.
  assert.deepEqual(statuses(two.steps), { a: 'skipped', b: 'skipped', c: 'succeeded', d: 'succeeded' });
  assert.deepEqual(two.steps.find((s) => s.step_id === 'd')!.result, { name: 'd-sel2', echo: null });
});

test('wide fan-in under concurrent settles: join starts once after every leaf; a failed leaf blocks join and what follows; counters agree with the steps', async () => {
  const ok = await finished(flows, (await flows.commands.start('wide', { tag: 'w1' })).flow_run_id);
  assert.equal(ok.run.status, 'succeeded');
  assert.deepEqual([ok.run.remaining, ok.run.bad], [0, 0]);
  assert.equal(of('w1').filter((p) => p.name === 'join-w1').length, 1, 'join ran exactly once');
  const join = probe('join-w1');
  assert.ok(of('w1').filter((p) => p.name.startsWith('leaf')).every((p) => p.end <= join.start), 'join started after every leaf ended');

  for (const i of [3, 17, 29]) failing.add(`leaf${i}-w2`);
  const bad = await finished(flows, (await flows.commands.start('wide', { tag: 'w2' })).flow_run_id);
  assert.equal(bad.run.status, 'failed');
  const st = statuses(bad.steps);
  assert.deepEqual([st.join, st.after], ['blocked', 'blocked']);
  assert.equal(Object.values(st).filter((s) => s === 'failed').length, 3);
  assert.equal(Object.values(st).filter((s) => s === 'succeeded').length, 38, 'start and the 37 other leaves');
  assert.deepEqual([bad.run.remaining, bad.run.bad], [0, 5]);
  assert.equal(of('w2').filter((p) => p.name === 'join-w2').length, 0);

  for (const i of [3, 17, 29]) failing.delete(`leaf${i}-w2`);
  await flows.commands.rerun(bad.run.flow_run_id);
  const again = await finished(flows, bad.run.flow_run_id);
  assert.equal(again.run.status, 'succeeded');
  assert.deepEqual([again.run.remaining, again.run.bad], [0, 0]);
  assert.equal(of('w2').filter((p) => p.name === 'leaf5-w2').length, 1, 'a leaf that succeeded did not run again');
  assert.equal(of('w2').filter((p) => p.name === 'leaf3-w2').length, 2, 'a failed leaf ran again');
  assert.equal(of('w2').filter((p) => p.name === 'join-w2').length, 1);
});
