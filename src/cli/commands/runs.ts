// `bosun runs list|show|cancel`: runs (firings of jobs, and flow steps' runs) over the HTTP API.
import { unwrapList, unwrapOne, type ApiRun } from '../api-shapes.ts';
import { EXIT } from '../exit-codes.ts';
import { runGroup, type Subcommand } from '../group.ts';
import { choiceListOption, instantOption, intOption, stringOption } from '../option-values.ts';
import { renderRun } from '../run-view.ts';
import type { Column } from '../table.ts';
import { printJson, printPage } from '../list-output.ts';
import { absolute, runDuration } from '../time-text.ts';
import type { RunStatus } from '../../runs/run.ts';

const RUN_STATUSES: readonly RunStatus[] = ['scheduled', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'misfired', 'skipped'];

const COLUMNS: Column<ApiRun>[] = [
  { header: 'run_id', value: (r) => r.run_id },
  { header: 'job_id', value: (r) => r.job_id ?? stepOf(r), max: 40 },
  { header: 'status', value: (r) => r.status ?? '' },
  { header: 'trigger', value: (r) => r.trigger ?? '' },
  { header: 'scheduled for', value: (r) => absolute(r.scheduled_for) },
  { header: 'started', value: (r) => absolute(r.started_at) },
  { header: 'duration', value: (r) => runDuration(r.started_at, r.finished_at), align: 'right' },
  { header: 'error', value: (r) => r.error ?? '', max: 50 },
];

/** What a flow step's run belongs to, `flow <name> <step>`, in the job column (it has no job). */
function stepOf(r: ApiRun): string {
  return typeof r.flow_run_id === 'string' ? `flow ${String(r.flow_name)} ${String(r.step_id)}` : '';
}

function runPath(id: string): string {
  return `/runs/${encodeURIComponent(id)}`;
}

const list: Subcommand = {
  usage: '[--job ID | --flow-run ID] [--status S[,S…]] [--since T] [--until T] [--sort COL] [--limit N] [--offset N]',
  summary: 'list runs (of jobs, and of flow steps once queued), newest first',
  help: `Options:
  --job ID         only runs of this job
  --flow-run ID    only the step runs of this flow run, every step of it
  --status S,…     only runs in these statuses (${RUN_STATUSES.join(', ')})
  --since T        only runs scheduled at or after T: an age (30m, 2h, 7d) or an ISO-8601 time
  --until T        only runs scheduled before T (same forms)
  --sort COL       scheduled_for, created_at, started_at or finished_at; --sort=-COL for descending (default -scheduled_for)
  --limit N        at most N runs (default: the service's page size)
  --offset N       skip the first N runs`,
  options: {
    job: { type: 'string' },
    'flow-run': { type: 'string' },
    status: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    sort: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
  },
  positionals: [0, 0],
  async run(ctx) {
    const query = {
      job_id: stringOption(ctx.values, 'job'),
      flow_run_id: stringOption(ctx.values, 'flow-run'),
      status: choiceListOption(ctx.values, 'status', RUN_STATUSES)?.join(','),
      since: instantOption(ctx.values, 'since'),
      until: instantOption(ctx.values, 'until'),
      sort: stringOption(ctx.values, 'sort'),
      limit: intOption(ctx.values, 'limit', 1, 10_000),
      offset: intOption(ctx.values, 'offset', 0),
    };
    const page = unwrapList<ApiRun>(await ctx.client().request('GET', '/runs', { query }), 'runs');
    printPage(ctx, page, COLUMNS, 'no runs', query.offset);
    return EXIT.ok;
  },
};

const show: Subcommand = {
  usage: '<run_id>',
  summary: 'show one run with its log and its result or error',
  positionals: [1, 1],
  async run(ctx) {
    const run = unwrapOne<ApiRun>(await ctx.client().request('GET', runPath(ctx.positionals[0]!)), 'run', 'run_id');
    if (ctx.json) printJson(ctx, run);
    else {
      if (typeof run.flow_run_id === 'string') ctx.out.write(`flow run ${run.flow_run_id} (${String(run.flow_name)}), step ${String(run.step_id)}: ${String(run.step_status)}\n`);
      ctx.out.write(renderRun(run));
    }
    return EXIT.ok;
  },
};

const cancel: Subcommand = {
  usage: '<run_id>',
  summary: 'cancel a scheduled or running run (a running handler is signalled to stop)',
  positionals: [1, 1],
  async run(ctx) {
    const id = ctx.positionals[0]!;
    const answer = await ctx.client().request('POST', `${runPath(id)}/cancel`);
    const run = answer === undefined ? undefined : unwrapOne<ApiRun>(answer, 'run', 'run_id');
    if (ctx.json) printJson(ctx, run ?? { run_id: id });
    else ctx.out.write(`cancelled run ${id}${run?.status ? ` (now ${run.status})` : ''}\n`);
    return EXIT.ok;
  },
};

/** `bosun runs …` */
export function run(args: string[]): Promise<number> {
  return runGroup('runs', { list, show, cancel }, args);
}
