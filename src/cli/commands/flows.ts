// `bosun flows list|show|run`: declared flows and their runs over the HTTP API.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Flow, FlowRun } from '../../client/schema-types.ts';
import { unwrapList, unwrapOne } from '../api-shapes.ts';
import { EXIT } from '../exit-codes.ts';
import { runGroup, UsageError, type CommandContext, type Subcommand } from '../group.ts';
import { UnreachableError } from '../http-client.ts';
import { printJson, printPage } from '../list-output.ts';
import { durationOption, intOption, stringOption } from '../option-values.ts';
import { createProgress } from '../progress.ts';
import { renderFields, renderTable, type Column } from '../table.ts';
import { absolute, relative } from '../time-text.ts';

type ApiFlow = Flow;
type ApiFlowStep = NonNullable<Flow['steps']>[number];
type ApiFlowRun = FlowRun;
type ApiFlowRunStep = NonNullable<FlowRun['steps']>[number];

const FLOW_COLUMNS: Column<ApiFlow>[] = [
  { header: 'name', value: (f) => f.name, max: 40 },
  { header: 'steps', value: (f) => String(f.steps?.length ?? ''), align: 'right' },
  { header: 'source', value: (f) => f.file ?? f.source ?? '', max: 40 },
  { header: 'description', value: (f) => f.description ?? '', max: 60 },
];

const STEP_COLUMNS: Column<ApiFlowStep>[] = [
  { header: 'step', value: (s) => s.id ?? '' },
  { header: 'handler', value: (s) => s.handler ?? '' },
  { header: 'waits for', value: (s) => (s.waits ?? []).join(', ') },
];

const RUN_COLUMNS: Column<ApiFlowRun>[] = [
  { header: 'flow_run_id', value: (r) => r.flow_run_id },
  { header: 'status', value: (r) => r.status ?? '' },
  { header: 'started', value: (r) => `${absolute(r.created_at)} (${relative(r.created_at)})` },
  { header: 'duration', value: (r) => seconds(r.elapsed_ms), align: 'right' },
];

const RUN_STEP_COLUMNS: Column<ApiFlowRunStep>[] = [
  { header: 'step', value: (s) => s.step_id ?? '' },
  { header: 'status', value: (s) => s.status ?? '' },
  { header: 'attempts', value: (s) => String(s.attempts ?? ''), align: 'right' },
  { header: 'duration', value: (s) => seconds(s.elapsed_ms), align: 'right' },
  { header: 'error', value: (s) => s.error ?? '', max: 50 },
];

function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : `${(ms / 1000).toFixed(1)}s`;
}

function flowPath(name: string): string {
  return `/flows/${encodeURIComponent(name)}`;
}

function renderFlowRun(run: ApiFlowRun): string {
  const fields = renderFields([
    ['flow run', run.flow_run_id],
    ['flow', run.flow_name],
    ['status', run.status],
    ['started', absolute(run.created_at)],
    ['finished', absolute(run.finished_at)],
    ['duration', seconds(run.elapsed_ms)],
  ]);
  return `${fields}\n${renderTable(RUN_STEP_COLUMNS, run.steps ?? [], 'no steps')}`;
}

const list: Subcommand = {
  usage: '',
  summary: 'list the flows the service knows (files in BOSUN_FLOWS_DIR and flows defined through the API)',
  positionals: [0, 0],
  async run(ctx) {
    const page = unwrapList<ApiFlow>(await ctx.client().request('GET', '/flows'), 'flows');
    printPage(ctx, page, FLOW_COLUMNS, 'no flows');
    return EXIT.ok;
  },
};

const show: Subcommand = {
  usage: '<flow_name> [--runs N]',
  summary: 'show a flow: its steps, what each waits for, and its latest runs',
  help: `Options:
  --runs N         how many recent runs to show (default 5, 0 for none)`,
  options: { runs: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx) {
    const name = ctx.positionals[0]!;
    const runCount = intOption(ctx.values, 'runs', 0, 1000) ?? 5;
    const flow = unwrapOne<ApiFlow>(await ctx.client().request('GET', flowPath(name)), 'flow', 'name');
    if (ctx.json) {
      printJson(ctx, flow);
      return EXIT.ok;
    }
    ctx.out.write(renderFields([['flow', flow.name], ['description', flow.description], ['source', flow.file ?? flow.source]]));
    ctx.out.write(`\nsteps:\n${renderTable(STEP_COLUMNS, flow.steps ?? [], 'no steps')}`);
    if (runCount > 0) {
      const runs = unwrapList<ApiFlowRun>(await ctx.client().request('GET', '/flow-runs', { query: { flow_name: flow.name, limit: runCount } }), 'flow_runs');
      ctx.out.write(`\nlatest runs:\n${renderTable(RUN_COLUMNS, runs.items.slice(0, runCount), 'no runs yet')}`);
    }
    return EXIT.ok;
  },
};

/** `--arg key=value` (a value that parses as JSON is taken as JSON) and `--arguments JSON`, merged. */
function runArguments(ctx: CommandContext): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const json = stringOption(ctx.values, 'arguments');
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new UsageError(`--arguments: not JSON (${(error as Error).message})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--arguments: expected a JSON object, e.g. \'{"day": "2026-01-31"}\'');
    Object.assign(args, parsed);
  }
  const pairs = ctx.values.arg;
  for (const pair of Array.isArray(pairs) ? pairs : []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--arg: expected key=value, got '${pair}'`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Plain text: kept as the string written.
    }
    args[pair.slice(0, eq)] = value;
  }
  return args;
}

/** Polls a flow run until it is no longer running, or the deadline passes. */
async function waitForFlowRun(ctx: CommandContext, id: string, timeoutMs: number): Promise<{ run: ApiFlowRun; timedOut: boolean }> {
  const deadline = Date.now() + timeoutMs;
  const progress = ctx.json ? undefined : createProgress(ctx.out, `flow run ${id}`);
  let interval = 250;
  let unreachable = 0;
  let run: ApiFlowRun | undefined;
  try {
    for (;;) {
      try {
        run = unwrapOne<ApiFlowRun>(await ctx.client().request('GET', `/flow-runs/${encodeURIComponent(id)}`), 'flow_run', 'flow_run_id');
        unreachable = 0;
      } catch (error) {
        if (!(error instanceof UnreachableError) || ++unreachable >= 3) throw error;
      }
      if (run) {
        const counts = Object.entries(run.step_counts ?? {}).map(([status, n]) => `${n} ${status}`).join(', ');
        progress?.update(`${run.status ?? 'unknown'}${counts ? ` (${counts})` : ''}`);
        if (run.status !== 'running') return { run, timedOut: false };
      }
      if (Date.now() >= deadline) {
        if (!run) throw new UnreachableError(`flow run '${id}' could not be read before --timeout ran out`);
        return { run, timedOut: true };
      }
      await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
      interval = Math.min(interval * 1.5, 2000);
    }
  } finally {
    progress?.stop();
  }
}

const runFlow: Subcommand = {
  usage: '<flow_name> [--arg KEY=VALUE]... [--arguments JSON] [--wait [--timeout 10m]]',
  summary: 'start a run of a flow; --wait follows it to its end',
  help: `Options:
  --arg KEY=VALUE  an argument of the run (repeatable); VALUE is read as JSON when it is JSON
  --arguments J    the run's arguments as one JSON object (--arg values go over it)
  -w, --wait       wait for the run to end, showing its steps; exits 0 if it succeeded,
                   6 if it ended otherwise, 7 if --timeout ran out
  --timeout D      how long --wait waits (90s, 5m, 1h; default 10m)`,
  options: { arg: { type: 'string', multiple: true }, arguments: { type: 'string' }, wait: { type: 'boolean', short: 'w' }, timeout: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx) {
    const name = ctx.positionals[0]!;
    const args = runArguments(ctx);
    const timeoutMs = durationOption(ctx.values, 'timeout') ?? 600_000;
    const started = unwrapOne<ApiFlowRun>(await ctx.client().request('POST', `${flowPath(name)}/runs`, { body: { arguments: args } }), 'flow_run', 'flow_run_id');
    if (ctx.values.wait !== true) {
      if (ctx.json) printJson(ctx, started);
      else ctx.out.write(`started flow run ${started.flow_run_id} of ${started.flow_name ?? name}\n`);
      return EXIT.ok;
    }
    if (!ctx.json) ctx.out.write(`started flow run ${started.flow_run_id} of ${started.flow_name ?? name}\n`);
    const outcome = await waitForFlowRun(ctx, started.flow_run_id, timeoutMs);
    if (ctx.json) printJson(ctx, outcome.run);
    else ctx.out.write(`\n${renderFlowRun(outcome.run)}`);
    if (outcome.timedOut) {
      ctx.err.write(`bosun: flow run ${started.flow_run_id} is still running after ${timeoutMs / 1000}s (--timeout); it goes on\n`);
      return EXIT.waitTimedOut;
    }
    return outcome.run.status === 'succeeded' ? EXIT.ok : EXIT.runFailed;
  },
};

/** `bosun flows …` */
export function run(args: string[]): Promise<number> {
  return runGroup('flows', { list, show, run: runFlow }, args);
}
