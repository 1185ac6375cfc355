// Akjob (seed 002) as its users schedule and manage jobs: the limits it has (allowed days of the
// month, specific dates, a date range), delete-when-done, and its management commands
// (enablejob, disablejob, showinfo) as `bosun jobs enable|disable|show`. A real service over real
// HTTP, its worker running the jobs, and the real `bosun` CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineJob } from '../../../src/jobs/define-job.ts';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { bosun, json, startService } from '../cli/cli-process.ts';
import { apiCaller, until } from './compat-http.ts';

const { url: base } = await startService();


const call = apiCaller(base);


const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

async function created(definition: Record<string, unknown>): Promise<Record<string, any>> {
  const answer = await call('POST', '/jobs', { handler: 'noop', ...definition });
  assert.equal(answer.status, 201, JSON.stringify(answer.json));
  return answer.json.job;
}

const nextRun = async (definition: Record<string, unknown>) => new Date((await created(definition)).next_run_time as string);

test("Akjob's monthly days: window.monthdays, with `last`", async () => {
  const next = await nextRun({ cron: '0 9 * * *', window: { monthdays: ['last'] } });
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  assert.equal(next.getUTCDate(), lastDay, next.toISOString());
  assert.equal(next.getUTCHours(), 9);
});

test("Akjob's specific dates and date range: window.dates, window.from / window.to", async () => {
  const [soon, later] = [dateIn(3), dateIn(40)];
  const dates = await nextRun({ periodically: '2 hours', window: { dates: [later, soon] } });
  assert.equal(dates.toISOString().slice(0, 10), soon);
  const range = await created({ cron: '30 6 * * *', window: { from: dateIn(10), to: dateIn(12) } });
  assert.equal(range.next_run_time, `${dateIn(10)}T06:30:00.000Z`);
  assert.match(range.schedule_description as string, new RegExp(`only from ${dateIn(10)} to ${dateIn(12)}`));
});

test('window limits are bounded and refused with the field named', async () => {
  const refused: Array<[Record<string, unknown>, string]> = [
    [{ from: dateIn(5), to: dateIn(4) }, 'window.to'],
    [{ dates: Array.from({ length: 1001 }, (_, i) => dateIn(i + 1)) }, 'window.dates'],
    [{ dates: ['2027-02-30'] }, 'window.dates[0]'],
    [{ monthdays: [32] }, 'window.monthdays'],
    [{ monthdays: [30, 31], months: ['feb'] }, 'window'],
  ];
  for (const [window, field] of refused) {
    const answer = await call('POST', '/jobs', { handler: 'noop', cron: '0 9 * * *', window });
    assert.equal(answer.status, 400, JSON.stringify(window).slice(0, 80));
    assert.equal(answer.json.field, field);
  }
});

test('on_finish: delete — the job is deleted when done; its failure records and an audit entry stay', async () => {
  const done = await call('POST', '/jobs', { job_id: 'akjob-once', handler: 'noop', on_finish: 'delete' });
  assert.equal(done.status, 201, JSON.stringify(done.json));
  assert.equal(done.json.job.on_finish, 'delete');
  await until('akjob-once to be deleted', async () => ((await call('GET', '/jobs/akjob-once')).status === 404 ? true : undefined));

  // Akjob's run-count limit with delete-when-reached: max_runs and on_finish together.
  await call('POST', '/jobs', { job_id: 'akjob-twice', handler: 'command', kwargs: { command: ['sh', '-c', 'exit 3'] }, periodically: '1s', max_runs: 2, on_finish: 'delete' });
  await until('akjob-twice to be deleted', async () => ((await call('GET', '/jobs/akjob-twice')).status === 404 ? true : undefined));
  const failures = await call('GET', '/failures?job_id=akjob-twice');
  assert.equal(failures.json.total, 2, 'both failed runs are still on record');
  const audit = await call('GET', '/audit?job_id=akjob-twice');
  const deleted = (audit.json.entries as Array<{ action: string; actor: string; detail: Record<string, unknown> }>).find((e) => e.action === 'deleted');
  assert.deepEqual(deleted && { actor: deleted.actor, detail: deleted.detail }, { actor: 'bosun', detail: { reason: 'on_finish: delete' } });

  // A job that keeps running, or was not asked to, stays.
  const kept = await call('POST', '/jobs', { job_id: 'akjob-kept', handler: 'noop' });
  assert.equal(kept.json.job.on_finish, 'keep');
  await until('akjob-kept to finish', async () => ((await call('GET', '/jobs/akjob-kept')).json.job?.state === 'finished' ? true : undefined));
  assert.equal((await call('POST', '/jobs', { handler: 'noop', on_finish: 'later' })).json.field, 'on_finish');
});

test('a default job cannot delete itself: its file would create it again at every startup', async () => {
  const registry = await loadHandlers();
  const input = { job_id: 'nightly', handler: 'noop', on_finish: 'delete' };
  assert.throws(() => defineJob(input, { registry, now: new Date(), source: 'yaml:nightly.yaml', owner: null, allowPast: true }), (err: Error & { field?: string }) => err.field === 'on_finish');
  assert.equal(defineJob(input, { registry, now: new Date(), source: 'api', owner: null }).on_finish, 'delete');
});

test("Akjob's commands: bosun jobs disable / enable (disablejob, enablejob) and show (showinfo)", async () => {
  await call('POST', '/jobs', { job_id: 'akjob-managed', handler: 'noop', periodically: '2 hours', when: new Date(Date.now() + DAY).toISOString(), labels: { app: 'akbash' } });
  const disabled = await bosun(base, ['jobs', 'disable', 'akjob-managed']);
  assert.equal(disabled.code, 0, disabled.stderr);
  assert.match(disabled.stdout, /^disabled akjob-managed/);
  assert.equal((await call('GET', '/jobs/akjob-managed')).json.job.state, 'paused');
  const enabled = await bosun(base, ['jobs', 'enable', 'akjob-managed', '--json']);
  assert.equal(enabled.code, 0, enabled.stderr);
  assert.equal(json<Array<{ state: string }>>(enabled)[0]!.state, 'running');
  const shown = await bosun(base, ['jobs', 'show', 'akjob-managed']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /akjob-managed/);
  assert.match(shown.stdout, /runs:\s+0 \(0 scheduled, 0 by hand\)/);
  assert.match(shown.stdout, /labels:\s+app:akbash/);
  const help = await bosun(base, ['jobs', '--help']);
  assert.match(help.stdout + help.stderr, /enable .*\(as 'resume'\)/);
});
