// One job: its definition and where it came from, what runs next, its runs (chart, table, logs)
// and its failures with their stack traces.
import { api, ApiError, query } from './api.js';
import { absoluteTime, badge, bothTimes, el, formatDuration, json, relTime, renderInto } from './dom.js';
import { durationChart } from './charts.js';
import { jobActions, nextRunOf } from './job-actions.js';
import { failureItem, runsTable } from './run-views.js';
import { previewJobs } from './schedule-words.js';
import { auditTable } from './audit-views.js';

const RUNS_SHOWN = 50;
const UPCOMING = 5;
/** The latest audit entries shown under History; the Audit page has the rest. */
const HISTORY_SHOWN = 10;

export function jobPage(container, ctx, jobId) {
  document.title = `${jobId} · bosun`;
  const head = el('div', { class: 'page-head' });
  const definition = el('section', { 'aria-labelledby': 'def-title' });
  const upcoming = el('div');
  const chart = el('div', { class: 'chart-box' });
  const runs = el('div', { class: 'table-wrap' });
  const failures = el('div');
  const historyBox = el('div', { class: 'table-wrap' });
  let deleted = false;

  // What only a job that exists has; hidden when there is no such job.
  const body = el(
    'div',
    {},
    el('div', { class: 'columns' }, definition, el('section', { 'aria-labelledby': 'next-title' }, el('h2', { id: 'next-title' }, 'Upcoming'), upcoming)),
    el('section', { 'aria-labelledby': 'runs-title' }, el('h2', { id: 'runs-title' }, 'Runs'), chart, runs),
    el('section', { 'aria-labelledby': 'failures-title' }, el('h2', { id: 'failures-title' }, 'Failures'), failures),
  );
  const history = el(
    'section',
    { 'aria-labelledby': 'history-title' },
    el('h2', { id: 'history-title' }, 'History'),
    historyBox,
    el('p', {}, el('a', { href: `${ctx.base}audit?job_id=${encodeURIComponent(jobId)}` }, 'All of this job’s history in the audit log →')),
  );
  container.replaceChildren(el('p', { class: 'crumbs' }, el('a', { href: ctx.base }, 'Jobs'), ' / '), head, body, history);

  // Kept after the job is gone: the History then says who deleted it. Resolves to the number of entries.
  async function refreshHistory() {
    const { entries, total } = await api('GET', `/audit${query({ job_id: jobId, limit: HISTORY_SHOWN })}`);
    renderInto(historyBox, { entries, total }, () =>
      entries.length
        ? [auditTable(entries, ctx, { showJob: false }), total > entries.length ? el('p', { class: 'muted' }, `The latest ${entries.length} of ${total} changes.`) : null]
        : el('p', { class: 'empty' }, 'No changes recorded.'),
    );
    return total;
  }

  /** No job by this id: say so, say why it may be, and lead back; a deleted job keeps its History. */
  async function showMissing() {
    const changes = await refreshHistory();
    body.hidden = true;
    history.hidden = changes === 0;
    document.title = `No job ${jobId} · bosun`;
    renderInto(head, { missing: true, changes }, () =>
      el(
        'div',
        { class: 'not-found' },
        el('h1', {}, `No job ‘${jobId}’`),
        el(
          'p',
          {},
          changes > 0
            ? 'This job has been deleted; its history below says who deleted it and when.'
            : 'There is no job with this id: it may have never existed, or belong to another user (a token sees only its own jobs).',
        ),
        el('p', {}, el('a', { href: ctx.base }, '← Back to the jobs'), ' · ', el('a', { href: `${ctx.base}?q=${encodeURIComponent(jobId)}` }, `Search the jobs for “${jobId}”`)),
      ),
    );
  }

  async function refresh() {
    if (deleted) return;
    const id = encodeURIComponent(jobId);
    let job;
    try {
      ({ job } = await api('GET', `/jobs/${id}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return showMissing();
      throw err;
    }
    body.hidden = false;
    history.hidden = false;
    document.title = `${jobId} · bosun`;
    const [runList, failureList, words] = await Promise.all([
      api('GET', `/jobs/${id}/runs${query({ limit: RUNS_SHOWN })}`),
      api('GET', `/failures${query({ job_id: jobId, limit: 100 })}`),
      previewJobs([job], UPCOMING),
      refreshHistory(),
    ]);
    const preview = words.get(job.job_id);
    const runsData = runList.runs;
    const failuresData = failureList.failures;

    renderInto(head, job, () => [
      el('h1', {}, job.job_id, ' ', badge(job.state)),
      job.description ? el('p', { class: 'lead' }, job.description) : null,
      jobActions(job, ctx, () => {
        deleted = true;
        location.assign(ctx.base);
      }),
    ]);
    renderInto(definition, { job, description: preview.description }, () => definitionList(job, preview.description));
    renderInto(upcoming, { state: job.state, up: preview.upcoming, next: nextRunOf(job) }, () => upcomingList(job, preview.upcoming));
    renderInto(chart, runsData, () => (runsData.length ? durationChart(runsData) : []));
    renderInto(runs, runsData, () => runsTable(runsData, ctx, { showJob: false, showLog: true }));
    renderInto(failures, failuresData, () =>
      failuresData.length ? el('ul', { class: 'failures' }, failuresData.map((f) => failureItem(f, ctx))) : el('p', { class: 'empty' }, 'No failures recorded.'),
    );
  }
  return { refresh };
}

function sourceText(source) {
  if (!source) return '—';
  if (source.startsWith('yaml:')) return el('span', {}, 'YAML file ', el('code', {}, `default-jobs/${source.slice(5)}`));
  return { api: 'HTTP API', cli: 'command line' }[source] ?? source;
}

function definitionList(job, description) {
  const rows = [
    ...(job.name ? [['Name', job.name]] : []),
    ['Handler', el('code', {}, job.handler)],
    ['Schedule', description],
    ['As written', el('pre', {}, json(job.schedule_input ?? {}))],
    ['Arguments', el('pre', {}, json(job.kwargs ?? {}))],
    ['Source', sourceText(job.source)],
    ['Owner', job.owner ?? '—'],
    ['Overlap', job.overlap ?? '—'],
    ['Max instances', job.max_instances == null ? (job.overlap === 'allow' ? 'no limit' : '1') : String(job.max_instances)],
    ['Timeout', job.timeout_ms ? formatDuration(job.timeout_ms) : 'none'],
    ['Retries', job.retries ? `${job.retries}, ${formatDuration(job.retry_delay_ms)} apart${job.retry_backoff ? ', backing off' : ''}` : 'none'],
    ['Scheduled runs', String(job.run_count ?? '—')],
    ['Last run', job.last_run_status ? [badge(job.last_run_status), ' ', relTime(job.last_run_at)] : 'never'],
    ['Created', job.created_at ? absoluteTime(job.created_at) : '—'],
    ['Updated', job.updated_at ? absoluteTime(job.updated_at) : '—'],
  ];
  return [el('h2', { id: 'def-title' }, 'Definition'), el('dl', { class: 'definition' }, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]))];
}

function upcomingList(job, upcoming) {
  const note =
    job.state === 'paused'
      ? el('p', { class: 'notice' }, 'Paused: none of these will run until the job is resumed.')
      : job.state === 'finished'
        ? el('p', { class: 'muted' }, 'Finished: the schedule has no more occurrences.')
        : null;
  if (upcoming.length === 0) return [note ?? el('p', { class: 'muted' }, 'Nothing scheduled.')];
  return [note, el('ol', { class: 'upcoming' }, upcoming.map((iso) => el('li', {}, bothTimes(iso))))];
}
