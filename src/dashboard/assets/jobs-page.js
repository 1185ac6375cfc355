// Jobs: every job with its schedule in words, state, next and last run; search, filters and actions.
import { api, query } from './api.js';
import { badge, bothTimes, el, relTime, renderInto } from './dom.js';
import { jobActions, nextRunOf } from './job-actions.js';
import { previewJobs } from './schedule-words.js';

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
    table,
    pager,
  );

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
    renderInto(table, { jobs, words: [...words] }, () => jobsTable(jobs, words, ctx));
    renderInto(pager, { offset, total, n: jobs.length }, () => pagerButtons(offset, total, jobs.length, (o) => {
      offset = o;
      void ctx.refresh();
    }));
  }
  return { refresh };
}

function jobsTable(jobs, words, ctx) {
  if (jobs.length === 0) return el('p', { class: 'empty' }, 'No jobs match. Create one with ', el('a', { href: '/api/v1/ui/' }, 'the API'), ' or a YAML file in default-jobs/.');
  return el(
    'table',
    { class: 'jobs' },
    el('caption', { class: 'sr-only' }, 'Jobs'),
    el(
      'thead',
      {},
      el('tr', {}, ['Job', 'Handler', 'Schedule', 'State', 'Next run', 'Last run', 'Actions'].map((h) => el('th', { scope: 'col' }, h))),
    ),
    el(
      'tbody',
      {},
      jobs.map((job) =>
        el(
          'tr',
          { 'data-job-id': job.job_id },
          el('th', { scope: 'row' }, el('a', { href: `${ctx.base}jobs/${encodeURIComponent(job.job_id)}` }, job.job_id)),
          el('td', {}, job.handler),
          el('td', { class: 'schedule' }, words.get(job.job_id)?.description ?? '—'),
          el('td', {}, badge(job.state)),
          el('td', {}, job.state === 'paused' ? el('span', { class: 'muted' }, 'paused') : bothTimes(nextRunOf(job))),
          el('td', {}, job.last_run_status ? [badge(job.last_run_status), ' ', relTime(job.last_run_at)] : el('span', { class: 'muted' }, 'never')),
          el('td', {}, jobActions(job, ctx)),
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
