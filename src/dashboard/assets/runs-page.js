// Runs over a chosen time range: counts per status, a timeline, and the list, filtered by status.
import { api, query } from './api.js';
import { absoluteTime, badge, el, renderInto } from './dom.js';
import { timeline } from './charts.js';
import { jobHref, runHref, runsTable } from './run-views.js';
import { fitSpan } from './timeline-span.js';

const RANGES = [
  ['1h', 'last hour', 3_600_000],
  ['6h', 'last 6 hours', 6 * 3_600_000],
  ['24h', 'last 24 hours', 86_400_000],
  ['7d', 'last 7 days', 7 * 86_400_000],
  ['30d', 'last 30 days', 30 * 86_400_000],
];
const STATUSES = ['scheduled', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'misfired', 'skipped'];
/** Counts and the timeline are drawn from at most this many runs of the range (the newest). */
const FETCH_LIMIT = 500;

export function runsPage(container, ctx) {
  document.title = 'Runs · bosun';
  const params = new URLSearchParams(location.search);
  const range = el('select', { id: 'range' }, RANGES.map(([v, label]) => el('option', { value: v }, label)));
  range.value = RANGES.some(([v]) => v === params.get('range')) ? params.get('range') : '24h';
  const status = el('select', { id: 'status' }, el('option', { value: '' }, 'any status'), STATUSES.map((s) => el('option', { value: s }, s.replace('_', ' '))));
  status.value = params.get('status') ?? '';
  const job = el('input', { id: 'job', type: 'search', value: params.get('job_id') ?? '', placeholder: 'exact job id' });
  // The steps of one flow run (a link from the flow run's page); kept while the other filters change.
  const flowRunId = params.get('flow_run_id') ?? '';
  const counts = el('div', { class: 'counts' });
  const chart = el('div', { class: 'chart-box' });
  const list = el('div', { class: 'table-wrap' });

  const changed = () => {
    const q = new URLSearchParams();
    if (range.value !== '24h') q.set('range', range.value);
    if (status.value) q.set('status', status.value);
    if (job.value.trim()) q.set('job_id', job.value.trim());
    if (flowRunId) q.set('flow_run_id', flowRunId);
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
    void ctx.refresh();
  };
  range.addEventListener('change', changed);
  status.addEventListener('change', changed);
  let debounce;
  job.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(changed, 300);
  });

  container.replaceChildren(
    el('h1', {}, 'Runs'),
    el(
      'form',
      { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      el('label', { for: 'range' }, 'Time range'),
      range,
      el('label', { for: 'status' }, 'Status'),
      status,
      el('label', { for: 'job' }, 'Job'),
      job,
      flowRunId ? el('span', { class: 'chip' }, `steps of flow run ${flowRunId.slice(0, 8)} `, el('a', { href: `${ctx.base}runs`, class: 'clear-filters' }, 'all runs')) : null,
    ),
    el('section', { 'aria-labelledby': 'counts-title' }, el('h2', { id: 'counts-title', class: 'sr-only' }, 'Runs per status'), counts),
    el('section', { 'aria-labelledby': 'timeline-title' }, el('h2', { id: 'timeline-title' }, 'Timeline'), chart),
    el('section', { 'aria-labelledby': 'list-title' }, el('h2', { id: 'list-title' }, 'Runs'), list),
  );

  async function refresh() {
    const span = RANGES.find(([v]) => v === range.value)[2];
    const until = Date.now();
    const since = until - span;
    const rangeQuery = query({ since: new Date(since).toISOString(), until: new Date(until).toISOString(), job_id: job.value.trim(), flow_run_id: flowRunId });
    const data = await api('GET', `/runs${rangeQuery}&limit=${FETCH_LIMIT}`);
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    if (data.total <= data.runs.length) {
      for (const r of data.runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    } else {
      // More runs than one page: ask the API for each status's total rather than count a sample.
      const totals = await Promise.all(STATUSES.map((s) => api('GET', `/runs${rangeQuery}&status=${s}&limit=1`)));
      STATUSES.forEach((s, i) => (byStatus[s] = totals[i].total));
    }
    const listed = status.value ? await api('GET', `/runs${rangeQuery}&status=${status.value}&limit=${FETCH_LIMIT}`) : data;
    // A flow step's run has no job: its lane is its flow's (`flow:<name>`, as its failures name it).
    const shown = listed.runs.map((r) => (r.flow_run_id ? { ...r, job_id: `flow:${r.flow_name}` } : r));

    renderInto(counts, { byStatus, chosen: status.value }, () =>
      el(
        'ul',
        { class: 'count-list' },
        STATUSES.map((s) =>
          el(
            'li',
            {},
            el(
              'button',
              {
                type: 'button',
                class: 'count',
                'data-key': `count:${s}`,
                'aria-pressed': String(status.value === s),
                onclick: () => {
                  status.value = status.value === s ? '' : s;
                  changed();
                },
              },
              el('span', { class: 'n' }, String(byStatus[s])),
              badge(s),
            ),
          ),
        ),
      ),
    );
    // The timeline moves with the clock, so it is redrawn on each poll (it is one small SVG), at
    // the box's width so its labels keep their size; its axis fits the runs drawn.
    const filtered = Boolean(status.value || job.value.trim() || flowRunId);
    const empty = filtered
      ? el('p', { class: 'empty' }, `No runs match these filters in the ${RANGES.find(([v]) => v === range.value)[1]}. `, el('a', { href: `${ctx.base}runs`, class: 'clear-filters' }, 'Clear the filters'))
      : el('p', { class: 'empty' }, `No runs in the ${RANGES.find(([v]) => v === range.value)[1]}.`);
    const axis = fitSpan(shown, since, until);
    chart.replaceChildren(
      shown.length
        ? timeline(shown, axis.from, axis.to, { runHref: (r) => runHref(ctx.base, r), jobHref: (id) => (id.startsWith('flow:') ? `${ctx.base}flows/${encodeURIComponent(id.slice(5))}` : jobHref(ctx.base, id)), width: Math.max(300, chart.clientWidth - 20) })
        : empty,
      shown.length && axis.fitted ? el('p', { class: 'muted' }, `Fitted to the runs drawn: ${absoluteTime(new Date(axis.from).toISOString())} to ${absoluteTime(new Date(axis.to).toISOString())}.`) : '',
      listed.total > shown.length ? el('p', { class: 'muted' }, `Drawn: the newest ${shown.length} of ${listed.total} runs.`) : '',
    );
    renderInto(list, { runs: shown.slice(0, 200), filtered }, () => [
      shown.length ? runsTable(shown.slice(0, 200), ctx) : empty.cloneNode(true),
      listed.total > 200 ? el('p', { class: 'muted' }, `Showing the newest 200 of ${listed.total}; narrow the range or filter by job or status.`) : null,
    ]);
  }
  return { refresh };
}
