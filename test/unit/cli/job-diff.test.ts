import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planJob, renderPlan, type LocalDefinition } from '../../../src/cli/job-diff.ts';
import type { JobDefinition } from '../../../src/jobs/job.ts';

const definition: JobDefinition = {
  job_id: 'report',
  handler: 'command',
  kwargs: { command: 'echo hi', env: { API_TOKEN: 's3cret' } },
  description: 'daily report',
  schedule_input: { periodically: '1 day' },
  schedule: { kind: 'interval' } as unknown as JobDefinition['schedule'],
  state: 'running',
  overlap: 'skip',
  timeout_ms: null,
  retries: 0,
  retry_delay_ms: 0,
  retry_backoff: 1 as unknown as JobDefinition['retry_backoff'],
  owner: null,
  source: 'yaml:report.yaml',
};
const input = { job_id: 'report', handler: 'command', kwargs: { command: 'echo hi', env: { API_TOKEN: 's3cret' } }, description: 'daily report', periodically: '1 day' };
const local: LocalDefinition = { definition, input };

// The service's view of the same job: secrets as ***, keys in another order.
const view = {
  job_id: 'report',
  state: 'paused',
  handler: 'command',
  kwargs: { env: { API_TOKEN: '***' }, command: 'echo hi' },
  description: 'daily report',
  schedule_input: { periodically: '1 day' },
  overlap: 'skip',
  timeout_ms: null,
  retries: 0,
  retry_delay_ms: 0,
  retry_backoff: false,
};

const cases: Array<[string, Record<string, unknown> | undefined, LocalDefinition, string, string[]]> = [
  ['a job the service lacks is created', undefined, local, 'create', []],
  ['the same job, a secret shown as *** and a pause made through the API, is unchanged', view, local, 'unchanged', []],
  ['a changed schedule is a change', { ...view, schedule_input: { cron: '0 4 * * *' } }, local, 'update', ['schedule']],
  ['a changed visible argument is a change', { ...view, kwargs: { command: 'echo bye', env: { API_TOKEN: '***' } } }, local, 'update', ['kwargs']],
  ['a state the file writes is compared', view, { definition, input: { ...input, state: 'running' } }, 'update', ['state']],
  ['several fields at once', { ...view, handler: 'http', retries: 3, description: null }, local, 'update', ['handler', 'description', 'retries']],
];

for (const [what, remote, mine, action, fields] of cases) {
  test(`planJob: ${what}`, () => {
    const plan = planJob(mine, remote);
    assert.equal(plan.action, action);
    if (plan.action === 'update') assert.deepEqual(plan.changes.map((c) => c.field), fields);
  });
}

test('an update sends every job field, null for those the file leaves out, and state only when written', () => {
  const plan = planJob(local, { ...view, schedule_input: { cron: '0 4 * * *' } });
  assert.equal(plan.action, 'update');
  if (plan.action !== 'update') return;
  assert.equal(plan.body.periodically, '1 day');
  assert.equal(plan.body.cron, null);
  assert.equal(plan.body.timeout, null);
  assert.equal(Object.hasOwn(plan.body, 'state'), false);
  assert.equal(Object.hasOwn(plan.body, 'job_id'), false);
  assert.deepEqual(plan.body.kwargs, input.kwargs);
});

test('renderPlan shows old → new, secrets as the service shows them', () => {
  const plan = planJob(local, { ...view, kwargs: { command: 'echo bye', env: { API_TOKEN: '***' } } });
  assert.equal(renderPlan(plan, 'jobs/report.yaml'), '~ report (jobs/report.yaml): update\n    kwargs: {"command":"echo bye","env":{"API_TOKEN":"***"}} → {"command":"echo hi","env":{"API_TOKEN":"***"}}\n');
  assert.equal(renderPlan(planJob(local, undefined), 'r.yaml'), '+ report (r.yaml): create\n');
});
