// `bosun jobs list|show|create|pause|resume|enable|disable|delete|run`: job definitions over the HTTP API.
import { unwrapList, unwrapOne, nextRun, lastRun, scheduleText, type ApiJob, type ApiRun, type ApiRunLogLine } from '../api-shapes.ts';
import { confirm } from '../confirm.ts';
import { EXIT } from '../exit-codes.ts';
import { runGroup, UsageError, type CommandContext, type Subcommand } from '../group.ts';
import { formatProblem } from '../../default-jobs/job-file-error.ts';
import { ApiError } from '../http-client.ts';
import { readLocalJobs, refusalProblems, serviceRoot, type LocalJob } from '../local-job-files.ts';
import { choiceOption, durationOption, intOption, stringOption } from '../option-values.ts';
import { createProgress } from '../progress.ts';
import { renderLogLine, renderRun } from '../run-view.ts';
import { renderFields, renderTable, type Column } from '../table.ts';
import { printJson, printPage } from '../list-output.ts';
import { absolute, relative, runDuration, when } from '../time-text.ts';
import { waitForRun } from '../wait-for-run.ts';
import { CliError, describeError, exitCodeFor } from '../group.ts';
import { RESERVED_JOB_IDS } from '../../jobs/job-id.ts';

const JOB_STATES = ['running', 'paused', 'pending', 'finished'] as const;

const JOB_COLUMNS: Column<ApiJob>[] = [
  { header: 'job_id', value: (j) => j.job_id, max: 40 },
  { header: 'handler', value: (j) => j.handler ?? '' },
  { header: 'schedule', value: scheduleText, max: 50 },
  { header: 'state', value: (j) => j.state ?? '' },
  { header: 'next run', value: (j) => (nextRun(j) ? `${absolute(nextRun(j))} (${relative(nextRun(j))})` : '') },
  { header: 'last run', value: (j) => [j.last_run_status, relative(lastRun(j))].filter(Boolean).join(', ') },
];

const RUN_COLUMNS: Column<ApiRun>[] = [
  { header: 'run_id', value: (r) => r.run_id },
  { header: 'status', value: (r) => r.status ?? '' },
  { header: 'trigger', value: (r) => r.trigger ?? '' },
  { header: 'scheduled for', value: (r) => absolute(r.scheduled_for) },
  { header: 'duration', value: (r) => runDuration(r.started_at, r.finished_at), align: 'right' },
];

/** A job's URL; an id taken by a route (`clean-failed`) would reach that route instead, so no job has it. */
function jobPath(id: string): string {
  if (RESERVED_JOB_IDS.includes(id)) throw new CliError(`no job '${id}': /jobs/${id} is a route of the API, and no job can have that id`, EXIT.notFound);
  return `/jobs/${encodeURIComponent(id)}`;
}


/** Runs `action` for each id, reporting each failure on its own line; exits with the first failure's code. */
async function forEachId(ctx: CommandContext, action: (id: string) => Promise<void>): Promise<number> {
  let code: number = EXIT.ok;
  for (const id of ctx.positionals) {
    try {
      await action(id);
    } catch (error) {
      if (ctx.positionals.length === 1) throw error;
      ctx.err.write(`bosun: ${id}: ${describeError(error)}\n`);
      if (code === EXIT.ok) code = exitCodeFor(error);
    }
  }
  return code;
}

const list: Subcommand = {
  usage: '[--state S] [--handler NAME] [--search TEXT] [--type T] [--sort COL] [--limit N] [--offset N]',
  summary: 'list jobs with their schedule, state, next and last run',
  help: `Options:
  --state S        only jobs in this state (${JOB_STATES.join(', ')})
  --handler NAME   only jobs of this handler
  --search TEXT    only jobs whose id or description contains TEXT
  --type T         all (default), failed (last run failed) or user (defined through the API, not YAML)
  --sort COL       job_id (default), created_at, updated_at, next_run_at or last_run_at; --sort=-COL for descending
  --limit N        at most N jobs (default: the service's page size)
  --offset N       skip the first N jobs`,
  options: {
    state: { type: 'string' },
    handler: { type: 'string' },
    search: { type: 'string' },
    type: { type: 'string' },
    sort: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
  },
  positionals: [0, 0],
  async run(ctx) {
    const query = {
      state: choiceOption(ctx.values, 'state', JOB_STATES),
      handler: stringOption(ctx.values, 'handler'),
      search: stringOption(ctx.values, 'search'),
      job_type: choiceOption(ctx.values, 'type', ['all', 'failed', 'user'] as const),
      // Checked by the service, which names the allowed columns when one is wrong.
      sort: stringOption(ctx.values, 'sort'),
      limit: intOption(ctx.values, 'limit', 1, 10_000),
      offset: intOption(ctx.values, 'offset', 0),
    };
    const page = unwrapList<ApiJob>(await ctx.client().request('GET', '/jobs', { query }), 'jobs');
    printPage(ctx, page, JOB_COLUMNS, 'no jobs', query.offset);
    return EXIT.ok;
  },
};

const show: Subcommand = {
  usage: '<job_id>',
  summary: "show one job's definition, schedule and its latest runs",
  options: { runs: { type: 'string' } },
  help: `Options:
  --runs N         how many recent runs to show (default 5, 0 for none)`,
  positionals: [1, 1],
  async run(ctx) {
    const id = ctx.positionals[0]!;
    const runCount = intOption(ctx.values, 'runs', 0, 1000) ?? 5;
    const job = unwrapOne<ApiJob>(await ctx.client().request('GET', jobPath(id)), 'job', 'job_id');
    if (ctx.json) {
      printJson(ctx, job);
      return EXIT.ok;
    }
    ctx.out.write(
      renderFields([
        ['job', job.job_id],
        ['name', job.name ?? undefined],
        ['handler', job.handler],
        ['description', job.description],
        ['state', job.state],
        ['schedule', scheduleText(job)],
        ['next run', when(nextRun(job))],
        ['last run', [job.last_run_status, when(lastRun(job))].filter(Boolean).join(' at ')],
        ['runs', runCountText(job)],
        ['labels', labelsText(job.labels)],
        ['when finished', job.on_finish === 'delete' ? 'deleted' : undefined],
        ['overlap', job.overlap],
        ['max instances', job.max_instances == null ? undefined : String(job.max_instances)],
        ['timeout', job.timeout_ms ? `${job.timeout_ms} ms` : undefined],
        ['retries', job.retries === undefined ? undefined : String(job.retries)],
        ['owner', job.owner],
        ['source', job.source],
        ['created', absolute(job.created_at)],
        ['kwargs', JSON.stringify(job.kwargs ?? {}, null, 2)],
        ['extended properties', job.extended_properties && Object.keys(job.extended_properties).length > 0 ? JSON.stringify(job.extended_properties, null, 2) : undefined],
      ]),
    );
    if (runCount > 0) {
      const runs = unwrapList<ApiRun>(await ctx.client().request('GET', `${jobPath(id)}/runs`, { query: { limit: runCount } }), 'runs');
      ctx.out.write(`\nlatest runs:\n${renderTable(RUN_COLUMNS, runs.items.slice(0, runCount), 'no runs yet')}`);
    }
    return EXIT.ok;
  },
};

/** "7 (5 scheduled, 2 by hand)": max_runs counts the scheduled ones. */
function runCountText(job: ApiJob): string | undefined {
  if (job.run_count === undefined) return undefined;
  if (job.scheduled_run_count === undefined || job.manual_run_count === undefined) return String(job.run_count);
  return `${job.run_count} (${job.scheduled_run_count} scheduled, ${job.manual_run_count} by hand)`;
}

function labelsText(labels: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? undefined : entries.map(([name, value]) => `${name}:${value}`).join(' ');
}

function stateChange(state: 'paused' | 'running', verb: string, alias?: string): Subcommand {
  const what = state === 'paused' ? 'pause jobs: they keep their definition but stop firing' : 'resume paused jobs: they fire again from their next occurrence';
  return {
    usage: '<job_id>...',
    summary: alias === undefined ? what : `${what} (as '${alias}')`,
    positionals: [1, Infinity],
    async run(ctx) {
      const done: ApiJob[] = [];
      const code = await forEachId(ctx, async (id) => {
        const job = unwrapOne<ApiJob>(await ctx.client().request('PUT', jobPath(id), { query: { state } }), 'job', 'job_id');
        done.push(job);
        if (!ctx.json) ctx.out.write(`${verb} ${job.job_id}${nextRun(job) ? `; next run ${when(nextRun(job))}` : ''}\n`);
      });
      if (ctx.json) printJson(ctx, done);
      return code;
    },
  };
}

const remove: Subcommand = {
  usage: '<job_id>... [--yes]',
  summary: 'delete jobs (their runs go with them; failure records stay)',
  help: `Options:
  -y, --yes        do not ask for confirmation (required when stdin is not a terminal)`,
  options: { yes: { type: 'boolean', short: 'y' } },
  positionals: [1, Infinity],
  async run(ctx) {
    const ids = ctx.positionals;
    if (!(await confirm(`delete ${ids.length === 1 ? `job ${ids[0]}` : `${ids.length} jobs (${ids.join(', ')})`}?`, ctx.values.yes === true))) {
      ctx.err.write('not deleted\n');
      return EXIT.ok;
    }
    const removed: string[] = [];
    const code = await forEachId(ctx, async (id) => {
      await ctx.client().request('DELETE', jobPath(id));
      removed.push(id);
      if (!ctx.json) ctx.out.write(`deleted ${id}\n`);
    });
    if (ctx.json) printJson(ctx, { removed });
    return code;
  },
};

const runNow: Subcommand = {
  usage: '<job_id> [--wait [--timeout 10m]]',
  summary: 'run a job now, outside its schedule; --wait follows the run to its end',
  help: `Options:
  -w, --wait       wait for the run to finish, printing its log lines as they come (stored by
                   the worker every few seconds), then the run with its result or error;
                   exits 0 if it succeeded, 6 if it ended otherwise, 7 if --timeout ran out
  --timeout D      how long --wait waits (90s, 5m, 1h; default 10m)`,
  options: { wait: { type: 'boolean', short: 'w' }, timeout: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx) {
    const id = ctx.positionals[0]!;
    const timeoutMs = durationOption(ctx.values, 'timeout') ?? 600_000;
    const started = unwrapOne<ApiRun>(await ctx.client().request('POST', `${jobPath(id)}/run`), 'run', 'run_id');
    if (ctx.values.wait !== true) {
      if (ctx.json) printJson(ctx, started);
      else ctx.out.write(`started run ${started.run_id} of job ${started.job_id ?? id} (${started.status ?? 'scheduled'})\n`);
      return EXIT.ok;
    }
    if (!ctx.json) ctx.out.write(`started run ${started.run_id} of job ${started.job_id ?? id}\n`);
    const progress = ctx.json ? undefined : createProgress(ctx.out, `run ${started.run_id}`);
    // Ctrl-C stops the waiting, not the run: say so, leave the terminal line clean, exit 130 as shells expect.
    const onInterrupt = () => {
      progress?.stop();
      ctx.err.write(`bosun: stopped waiting; run ${started.run_id} goes on ('bosun runs show ${started.run_id}')\n`);
      process.exit(130);
    };
    process.once('SIGINT', onInterrupt);
    // The spinner's line is cleared before a log line; it redraws itself on its next tick.
    const onLog = (line: ApiRunLogLine, attempt: number) => {
      if (ctx.out.isTTY) ctx.out.write('\r\x1b[2K');
      ctx.out.write(`${attempt > 1 ? `[attempt ${attempt}] ` : ''}${renderLogLine(line)}\n`);
    };
    let outcome;
    try {
      outcome = await waitForRun(ctx.client(), started.run_id, { timeoutMs, progress, onLog: ctx.json ? undefined : onLog });
    } finally {
      process.off('SIGINT', onInterrupt);
      progress?.stop();
    }
    if (ctx.json) printJson(ctx, outcome.run);
    else ctx.out.write(`\n${renderRun(outcome.run, { withLog: false })}`);
    if (outcome.timedOut) {
      ctx.err.write(`bosun: run ${started.run_id} is still ${outcome.run.status ?? 'going'} after ${timeoutMs / 1000}s (--timeout); it goes on\n`);
      return EXIT.waitTimedOut;
    }
    return outcome.run.status === 'succeeded' ? EXIT.ok : EXIT.runFailed;
  },
};

/** Flags that are job fields, sent as written (the service parses and checks them). */
const FIELD_FLAGS = ['handler', 'description', 'periodically', 'cron', 'when', 'timezone', 'until', 'overlap', 'timeout', 'retry-delay'] as const;

function createInput(ctx: CommandContext): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (ctx.positionals[0] !== undefined) input.job_id = ctx.positionals[0];
  for (const flag of FIELD_FLAGS) {
    const value = stringOption(ctx.values, flag);
    if (value !== undefined) input[flag.replace('-', '_')] = value;
  }
  const kwargs = stringOption(ctx.values, 'kwargs');
  if (kwargs !== undefined) {
    try {
      input.kwargs = JSON.parse(kwargs);
    } catch (error) {
      throw new UsageError(`--kwargs: not JSON (${(error as Error).message}); e.g. --kwargs '{"command": "echo hi"}'`);
    }
  }
  const retries = intOption(ctx.values, 'retries', 0, 100);
  if (retries !== undefined) input.retries = retries;
  const maxRuns = intOption(ctx.values, 'max-runs', 1);
  if (maxRuns !== undefined) input.max_runs = maxRuns;
  if (ctx.values.paused === true) input.state = 'paused';
  if (input.handler === undefined) throw new UsageError('--handler is required (or -f FILE)');
  return input;
}

const create: Subcommand = {
  usage: '[<job_id>] --handler NAME [--kwargs JSON] [--periodically D | --cron C] [--when T] [options] | -f FILE',
  summary: 'create a job from flags, or from one YAML job file (-f)',
  help: `Options:
  --handler NAME   the handler (command, http, …; 'bosun' lists them at GET /handlers)
  --kwargs JSON    the handler's arguments as a JSON object
  --periodically D repeat interval: "1 hour", "5:00:00", "PT5H", "90s"
  --cron C         5-field cron (6 with seconds), read in --timezone
  --when T         first run (one-shot) or anchor: ISO-8601 or "Mon Feb 20, 14:56"; now when omitted
  --timezone Z     IANA zone the schedule is read in (UTC when absent)
  --until T        nothing runs after this instant
  --max-runs N     stop after N scheduled runs
  --description T  what the job is for
  --overlap P      skip (default), queue or allow a run while the previous one runs
  --timeout D      abort a run after this long
  --retries N      retries of a failed run (0-100)
  --retry-delay D  wait between retries
  --paused         create it paused
  -f, --file FILE  a YAML job file (as in default-jobs/), checked as startup checks it; no other flag
Without <job_id> the service makes one up. An existing job_id is refused (exit 4): use 'bosun apply' to change a job.`,
  options: {
    file: { type: 'string', short: 'f' },
    kwargs: { type: 'string' },
    paused: { type: 'boolean' },
    retries: { type: 'string' },
    'max-runs': { type: 'string' },
    ...Object.fromEntries(FIELD_FLAGS.map((flag) => [flag, { type: 'string' as const }])),
  },
  positionals: [0, 1],
  async run(ctx) {
    const file = stringOption(ctx.values, 'file');
    let body: Record<string, unknown>;
    let local: LocalJob | undefined;
    if (file !== undefined) {
      const others = Object.keys(ctx.values).filter((k) => !['file', 'json', 'url', 'token'].includes(k));
      if (others.length > 0 || ctx.positionals.length > 0) throw new UsageError(`-f takes the whole job from the file; drop ${others.length ? `--${others[0]}` : ctx.positionals[0]}`);
      const read = await readLocalJobs(file, serviceRoot(ctx.client().baseUrl));
      if (read.problems.length > 0) {
        ctx.err.write(`${read.problems.map(formatProblem).join('\n')}\n${read.problems.length} problem(s); nothing created\n`);
        return EXIT.invalid;
      }
      local = read.jobs[0]!;
      body = { ...local.input, job_id: local.definition.job_id };
    } else {
      body = createInput(ctx);
    }
    let job: ApiJob;
    try {
      job = unwrapOne<ApiJob>(await ctx.client().request('POST', '/jobs', { body }), 'job', 'job_id');
    } catch (error) {
      if (local === undefined || !(error instanceof ApiError) || error.status === 401) throw error;
      const problems = refusalProblems(local, error);
      ctx.err.write(`${problems.map(formatProblem).join('\n')}\n`);
      return exitCodeFor(error);
    }
    if (ctx.json) printJson(ctx, job);
    else ctx.out.write(`created ${job.job_id} (${job.handler ?? ''}, ${scheduleText(job)})${nextRun(job) ? `; next run ${when(nextRun(job))}` : ''}\n`);
    return EXIT.ok;
  },
};

const SUBCOMMANDS: Record<string, Subcommand> = {
  list,
  show,
  create,
  pause: stateChange('paused', 'paused'),
  resume: stateChange('running', 'resumed'),
  // Akjob's enablejob / disablejob.
  enable: stateChange('running', 'enabled', 'resume'),
  disable: stateChange('paused', 'disabled', 'pause'),
  delete: remove,
  run: runNow,
};

/** `bosun jobs …` */
export function run(args: string[]): Promise<number> {
  return runGroup('jobs', SUBCOMMANDS, args);
}
