// `bosun failures list|show|clean`: the failure records (one per failed attempt).
import { unwrapList, unwrapOne, type ApiFailure } from '../api-shapes.ts';
import { confirm } from '../confirm.ts';
import { EXIT } from '../exit-codes.ts';
import { runGroup, type Subcommand } from '../group.ts';
import { instantOption, intOption, stringOption } from '../option-values.ts';
import { renderFields, type Column } from '../table.ts';
import { printJson, printPage } from '../list-output.ts';
import { absolute, relative, when } from '../time-text.ts';

const COLUMNS: Column<ApiFailure>[] = [
  { header: 'failure_id', value: (f) => f.failure_id },
  { header: 'job_id', value: (f) => f.job_id ?? '', max: 40 },
  { header: 'handler', value: (f) => f.handler ?? '' },
  { header: 'attempt', value: (f) => (f.attempt === undefined ? '' : String(f.attempt)), align: 'right' },
  { header: 'failed', value: (f) => (f.failed_at ? `${absolute(f.failed_at)} (${relative(f.failed_at)})` : '') },
  { header: 'error', value: (f) => [f.error_name, f.message].filter(Boolean).join(': '), max: 70 },
];

/** The filters `list` and `clean` share, as the API's query parameters. */
function filterOptions(values: Parameters<typeof stringOption>[0]) {
  return {
    job_id: stringOption(values, 'job'),
    handler: stringOption(values, 'handler'),
    since: instantOption(values, 'since'),
    until: instantOption(values, 'until'),
  };
}

const list: Subcommand = {
  usage: '[--job ID] [--handler NAME] [--since T] [--until T] [--limit N] [--offset N]',
  summary: 'list failures, newest first',
  help: `Options:
  --job ID         only failures of this job
  --handler NAME   only failures of this handler
  --since T        only failures at or after T: an age (30m, 2h, 7d) or an ISO-8601 time
  --until T        only failures before T (same forms)
  --limit N        at most N failures (default: the service's page size)
  --offset N       skip the first N failures`,
  options: {
    job: { type: 'string' },
    handler: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
  },
  positionals: [0, 0],
  async run(ctx) {
    const query = {
      ...filterOptions(ctx.values),
      limit: intOption(ctx.values, 'limit', 1, 10_000),
      offset: intOption(ctx.values, 'offset', 0),
    };
    const page = unwrapList<ApiFailure>(await ctx.client().request('GET', '/failures', { query }), 'failures');
    printPage(ctx, page, COLUMNS, 'no failures', query.offset);
    return EXIT.ok;
  },
};

const show: Subcommand = {
  usage: '<failure_id>',
  summary: 'show one failure with its stack trace and the kwargs that failed',
  positionals: [1, 1],
  async run(ctx) {
    const id = ctx.positionals[0]!;
    const failure = unwrapOne<ApiFailure>(await ctx.client().request('GET', `/failures/${encodeURIComponent(id)}`), 'failure', 'failure_id');
    if (ctx.json) {
      printJson(ctx, failure);
      return EXIT.ok;
    }
    ctx.out.write(
      renderFields([
        ['failure', failure.failure_id],
        ['job', failure.job_id],
        ['run', failure.run_id],
        ['handler', failure.handler],
        ['attempt', failure.attempt === undefined ? undefined : String(failure.attempt)],
        ['host', failure.host],
        ['failed', when(failure.failed_at)],
        ['error', [failure.error_name, failure.message].filter(Boolean).join(': ')],
        ['kwargs', JSON.stringify(failure.kwargs ?? {}, null, 2)],
      ]),
    );
    if (failure.stack) ctx.out.write(`\nstack:\n  ${failure.stack.replace(/\n/g, '\n  ')}\n`);
    return EXIT.ok;
  },
};

const clean: Subcommand = {
  usage: '[--job ID] [--handler NAME] [--since T] [--until T] [--yes]',
  summary: 'delete failure records: all of them, or those the filters pick',
  help: `Options:
  --job ID         only this job's failures
  --handler NAME   only this handler's failures
  --since T        only failures at or after T: an age (30m, 2h, 7d) or an ISO-8601 time
  --until T        only failures before T (same forms), e.g. --until 30d to drop old ones
  -y, --yes        do not ask for confirmation (required when stdin is not a terminal)`,
  options: { job: { type: 'string' }, handler: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
  positionals: [0, 0],
  async run(ctx) {
    const query = filterOptions(ctx.values);
    const filters = [
      query.job_id && `of job ${query.job_id}`,
      query.handler && `of handler ${query.handler}`,
      query.since && `since ${query.since}`,
      query.until && `before ${query.until}`,
    ].filter(Boolean);
    if (!(await confirm(`delete ${filters.length ? `the failures ${filters.join(', ')}` : 'every failure record'}?`, ctx.values.yes === true))) {
      ctx.err.write('nothing deleted\n');
      return EXIT.ok;
    }
    const answer = await ctx.client().request('DELETE', '/failures', { query });
    const removed = removedIds(answer);
    if (ctx.json) printJson(ctx, answer ?? { removed: [] });
    else ctx.out.write(removed === undefined ? 'failures deleted\n' : `deleted ${removed} failure${removed === 1 ? '' : 's'}\n`);
    return EXIT.ok;
  },
};

/** How many records a clean removed, from `{"removed": [ids]}` or `{"removed": n}`. */
function removedIds(answer: unknown): number | undefined {
  if (!answer || typeof answer !== 'object') return undefined;
  const removed = (answer as Record<string, unknown>).removed ?? (answer as Record<string, unknown>).deleted;
  if (Array.isArray(removed)) return removed.length;
  return typeof removed === 'number' ? removed : undefined;
}

/** `bosun failures …` */
export function run(args: string[]): Promise<number> {
  return runGroup('failures', { list, show, clean }, args);
}
