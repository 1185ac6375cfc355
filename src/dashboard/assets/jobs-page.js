// Jobs: every job with its schedule in words, state, next and last run; search, filters and
// actions, on one job or on the ones selected.
import { api, query } from './api.js';
import { badge, bothTimes, el, relTime, renderInto } from './dom.js';
import { jobActions, nextRunOf } from './job-actions.js';
import { previewJobs } from './schedule-words.js';
import { BULK_ACTIONS, bulkResults, runBulk } from './bulk-actions.js';

const PAGE_SIZE = 100;
const STATES = ['running', 'paused', 'pending', 'finished'];

/** Mounts the jobs page in `container`; filters live in the URL so a filtered view can be shared. */
export function jobsPage(container, ctx) {
  document.title = 'Jobs · bosun';
  const params = new URLSearchParams(location.search);
  let offset = Number(params.get('offset')) || 0;

  const search = el('input', { id: 'q', type: 'search', name: 'q', value: params.get('q') ?? '', placeholder: 'job id or description' });
  const state = el('select', { id: 'state', name: 'state' }, el('option', { value: '' }, 'any state'), STATES.map((s) => el('option', { value: s }, s)));
  state.value = params.get('state') ?? '';
  const handler = el('select', { id: 'handler', name: 'handler' }, el('option', { value: '' }, 'any handler'));
  const wantedHandler = params.get('handler') ?? '';
  const table = el('div', { class: 'table-wrap' });
  const pager = el('div', { class: 'pager' });
  const count = el('p', { class: 'muted', id: 'jobs-count', 'aria-live': 'polite' });
  /** Ids of the selected jobs, among those shown; what the bulk actions act on. */
  const selected = new Set();
  let shownJobs = [];
  const bulk = el('div', { class: 'bulk', role: 'toolbar', 'aria-label': 'Act on the selected jobs' });
  const results = el('div', { class: 'bulk-results-box' });

  const changed = () => {
    offset = 0;
    const q = new URLSearchParams();
    if (search.value) q.set('q', search.value);
    if (state.value) q.set('state', state.value);
    if (handler.value) q.set('handler', handler.value);
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
    void ctx.refresh();
  };
  let debounce;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(changed, 250);
  });
  state.addEventListener('change', changed);
  handler.addEventListener('change', changed);

  container.replaceChildren(
    el('h1', {}, 'Jobs'),
    el(
      'form',
      { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      el('label', { for: 'q' }, 'Search'),
      search,
      el('label', { for: 'state' }, 'State'),
      state,
      el('label', { for: 'handler' }, 'Handler'),
      handler,
    ),
    count,
    bulk,
    results,
    table,
    pager,
  );

  const filtered = () => Boolean(search.value.trim() || state.value || handler.value);
  const onSelect = (id, on) => {
    if (on) selected.add(id);
    else selected.delete(id);
    drawBulk();
  };

  let busy = false;
  /** The selection's toolbar: select all shown, how many are selected, and the actions; redrawn only when they change. */
  function drawBulk() {
    const chosen = shownJobs.filter((j) => selected.has(j.job_id));
    const key = { shown: shownJobs.map((j) => j.job_id), chosen: chosen.map((j) => j.job_id), busy };
    renderInto(bulk, key, () => {
      const all = el('input', {
        type: 'checkbox',
        id: 'select-all',
        'data-key': 'select-all',
        checked: shownJobs.length > 0 && chosen.length === shownJobs.length,
        disabled: shownJobs.length === 0,
        onchange: (e) => {
          for (const box of table.querySelectorAll('input.select-job')) box.checked = e.target.checked;
          for (const j of shownJobs) onSelect(j.job_id, e.target.checked);
        },
      });
      all.indeterminate = chosen.length > 0 && chosen.length < shownJobs.length;
      return [
        el('span', { class: 'field' }, all, el('label', { for: 'select-all' }, 'Select all shown')),
        el('span', { class: 'muted', id: 'selected-count' }, `${chosen.length} selected`),
        Object.entries(BULK_ACTIONS).map(([action, spec]) =>
          el(
            'button',
            { type: 'button', class: action === 'delete' ? 'danger' : undefined, 'data-key': `bulk:${action}`, 'data-bulk': action, disabled: busy || chosen.length === 0, onclick: () => bulkAct(action, shownJobs.filter((j) => selected.has(j.job_id))) },
            `${spec.label} selected`,
          ),
        ),
      ];
    });
  }

  async function bulkAct(action, jobs) {
    if (action === 'delete') {
      const names = jobs.map((j) => j.job_id);
      const list = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
      const sure = await ctx.confirm(`Delete ${names.length} job${names.length === 1 ? '' : 's'} (${list})? Their schedules stop; their runs and failures stay readable until cleared.`, `Delete ${names.length} job${names.length === 1 ? '' : 's'}`);
      if (!sure) return;
    }
    busy = true;
    drawBulk();
    let outcomes;
    try {
      outcomes = await runBulk(action, jobs);
    } finally {
      busy = false;
    }
    for (const o of outcomes) if (action === 'delete' && o.result === 'ok') selected.delete(o.job_id);
    results.replaceChildren(bulkResults(action, outcomes, () => results.replaceChildren()));
    await ctx.refresh();
    drawBulk();
  }

  let handlersLoaded = false;
  async function loadHandlers() {
    if (handlersLoaded) return;
    const data = await api('GET', '/handlers');
    const names = data.handlers.map((h) => h.name).sort();
    handler.append(...names.map((n) => el('option', { value: n }, n)));
    handler.value = wantedHandler;
    handlersLoaded = true;
  }

  async function refresh() {
    await loadHandlers();
    const data = await api(
      'GET',
      `/jobs${query({ search: search.value.trim(), state: state.value, handler: handler.value, limit: PAGE_SIZE, offset })}`,
    );
    const total = data.total;
    const jobs = data.jobs;
    const words = await previewJobs(jobs);
    count.textContent = `${total} job${total === 1 ? '' : 's'}${total > jobs.length ? `, showing ${offset + 1}–${offset + jobs.length}` : ''}`;
    shownJobs = jobs;
    for (const id of selected) if (!jobs.some((j) => j.job_id === id)) selected.delete(id);
    const isFiltered = filtered();
    renderInto(table, { jobs, words: [...words], isFiltered }, () => jobsTable(jobs, words, ctx, { selected, onSelect, isFiltered }));
    drawBulk();
    renderInto(pager, { offset, total, n: jobs.length }, () => pagerButtons(offset, total, jobs.length, (o) => {
      offset = o;
      void ctx.refresh();
    }));
  }
  return { refresh };
}

function jobsTable(jobs, words, ctx, { selected, onSelect, isFiltered }) {
  if (jobs.length === 0) {
    return isFiltered
      ? el('p', { class: 'empty' }, 'No jobs match these filters. ', el('a', { href: ctx.base, class: 'clear-filters' }, 'Clear the filters'))
      : el('p', { class: 'empty' }, 'No jobs yet. Create one with ', el('a', { href: '/api/v1/ui/' }, 'the API'), ' or a YAML file in default-jobs/.');
  }
  const cell = (label, attrs, ...content) => el('td', { 'data-label': label, ...attrs }, ...content);
  return el(
    'table',
    { class: 'jobs stack' },
    el('caption', { class: 'sr-only' }, 'Jobs'),
    el(
      'thead',
      {},
      el('tr', {}, el('th', { scope: 'col', class: 'select' }, el('span', { class: 'sr-only' }, 'Select')), ['Job', 'Handler', 'Schedule', 'State', 'Next run', 'Last run', 'Actions'].map((h) => el('th', { scope: 'col' }, h))),
    ),
    el(
      'tbody',
      {},
      jobs.map((job) =>
        el(
          'tr',
          { 'data-job-id': job.job_id },
          el(
            'td',
            { class: 'select' },
            el('input', {
              type: 'checkbox',
              class: 'select-job',
              'data-key': `select:${job.job_id}`,
              'aria-label': `Select ${job.job_id}`,
              checked: selected.has(job.job_id),
              onchange: (e) => onSelect(job.job_id, e.target.checked),
            }),
          ),
          el('th', { scope: 'row' }, el('a', { href: `${ctx.base}jobs/${encodeURIComponent(job.job_id)}` }, job.job_id)),
          cell('Handler', {}, job.handler),
          cell('Schedule', { class: 'schedule' }, words.get(job.job_id)?.description ?? '—'),
          cell('State', {}, badge(job.state)),
          cell('Next run', {}, job.state === 'paused' ? el('span', { class: 'muted' }, 'paused') : bothTimes(nextRunOf(job))),
          cell('Last run', {}, job.last_run_status ? [badge(job.last_run_status), ' ', relTime(job.last_run_at)] : el('span', { class: 'muted' }, 'never')),
          cell('Actions', { class: 'row-actions' }, jobActions(job, ctx)),
        ),
      ),
    ),
  );
}

/** Previous/next page buttons; nothing when everything fits on one page. */
export function pagerButtons(offset, total, shown, go) {
  const more = offset + shown < total;
  if (offset === 0 && !more) return [];
  return [
    el('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE_SIZE)) }, '← Previous'),
    el('button', { type: 'button', disabled: !more, onclick: () => go(offset + PAGE_SIZE) }, 'Next →'),
  ];
}
