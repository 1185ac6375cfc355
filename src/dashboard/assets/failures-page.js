// Failures, newest first, grouped by job and error message; each with the kwargs that failed
// and its stack trace; filtered by job, handler and time (kept in the URL); clear one, a group,
// or all that match.
import { api, query } from './api.js';
import { el, relTime, renderInto } from './dom.js';
import { clearFailure, failureItem, failureSourceLink, flowStepOf } from './run-views.js';

const LIMIT = 500;
const RANGES = [
  ['', 'any time'],
  ['1h', 'last hour', 3_600_000],
  ['24h', 'last 24 hours', 86_400_000],
  ['7d', 'last 7 days', 7 * 86_400_000],
  ['30d', 'last 30 days', 30 * 86_400_000],
];

/** The filters as the URL gives them; `job` is also read as `job_id`, the API's name for it. */
export function failureFilters(search) {
  const params = new URLSearchParams(search);
  const range = params.get('range') ?? '';
  return {
    job: (params.get('job') ?? params.get('job_id') ?? '').trim(),
    handler: params.get('handler') ?? '',
    range: RANGES.some(([v]) => v === range) ? range : '',
  };
}

/** The API query for these filters, the time range ending now. */
export function failureQuery(filters, now = Date.now()) {
  const span = RANGES.find(([v]) => v === filters.range)?.[2];
  return { job_id: filters.job, handler: filters.handler, since: span ? new Date(now - span).toISOString() : undefined };
}

export function failuresPage(container, ctx) {
  document.title = 'Failures · bosun';
  const wanted = failureFilters(location.search);
  const job = el('input', { id: 'job', type: 'search', name: 'job', value: wanted.job, placeholder: 'exact job id' });
  const handler = el('select', { id: 'handler', name: 'handler' }, el('option', { value: '' }, 'any handler'));
  if (wanted.handler) handler.append(el('option', { value: wanted.handler }, wanted.handler));
  handler.value = wanted.handler;
  const range = el('select', { id: 'range', name: 'range' }, RANGES.map(([v, label]) => el('option', { value: v }, label)));
  range.value = wanted.range;
  const body = el('div');
  const summary = el('p', { class: 'muted', 'aria-live': 'polite' });
  const current = () => ({ job: job.value.trim(), handler: handler.value, range: range.value });
  const isFiltered = () => Object.values(current()).some(Boolean);

  const changed = () => {
    const f = current();
    const q = new URLSearchParams();
    if (f.job) q.set('job', f.job);
    if (f.handler) q.set('handler', f.handler);
    if (f.range) q.set('range', f.range);
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
    void ctx.refresh();
  };
  let debounce;
  job.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(changed, 300);
  });
  handler.addEventListener('change', changed);
  range.addEventListener('change', changed);

  const clearAll = el(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: async () => {
        const filtered = isFiltered();
        const text = filtered ? 'Clear every failure record that matches these filters? This cannot be undone.' : 'Clear every failure record? This cannot be undone.';
        if (await ctx.confirm(text, filtered ? 'Clear matching' : 'Clear all')) {
          await ctx.act(filtered ? 'Matching failures cleared' : 'All failures cleared', () => api('DELETE', `/failures${query(failureQuery(current()))}`));
        }
      },
    },
    'Clear all',
  );
  container.replaceChildren(
    el('div', { class: 'page-head' }, el('h1', {}, 'Failures'), clearAll),
    el(
      'form',
      { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      el('label', { for: 'job' }, 'Job'),
      job,
      el('label', { for: 'handler' }, 'Handler'),
      handler,
      el('label', { for: 'range' }, 'Time range'),
      range,
    ),
    summary,
    body,
  );

  let handlersLoaded = false;
  async function loadHandlers() {
    if (handlersLoaded) return;
    const data = await api('GET', '/handlers');
    const names = data.handlers.map((h) => h.name).filter((n) => n !== wanted.handler).sort();
    handler.append(...names.map((n) => el('option', { value: n }, n)));
    handlersLoaded = true;
  }

  async function refresh() {
    await loadHandlers();
    const filtered = isFiltered();
    const data = await api('GET', `/failures${query({ ...failureQuery(current()), limit: LIMIT, sort: '-failed_at' })}`);
    const failures = data.failures;
    clearAll.disabled = failures.length === 0;
    clearAll.textContent = filtered ? 'Clear matching' : 'Clear all';
    const groups = new Map();
    for (const f of failures) {
      const key = `${f.job_id}\u0000${f.error_name}\u0000${f.message}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    }
    summary.textContent = failures.length
      ? `${data.total} failure${data.total === 1 ? '' : 's'}${filtered ? ' matching' : ''}${data.total > failures.length ? ` (the newest ${failures.length} shown)` : ''} in ${groups.size} group${groups.size === 1 ? '' : 's'}, newest first.`
      : '';
    renderInto(body, { failures, filtered }, () =>
      failures.length > 0
        ? [...groups.values()].map((items) => group(items, ctx))
        : filtered
          ? el('p', { class: 'empty' }, 'No failures match these filters. ', el('a', { href: `${ctx.base}failures`, class: 'clear-filters' }, 'Clear the filters'))
          : el('p', { class: 'empty' }, 'No failures. Every failed attempt of a run shows up here with its stack trace.'),
    );
  }
  return { refresh };
}

/** A group's heading link: the job, or for a flow no job started, that flow's runs. */
function groupLink(first, ctx) {
  const step = flowStepOf(first);
  if (step && first.job_id === `flow:${step.flowName}`) return el('a', { href: `${ctx.base}flows${query({ flow_name: step.flowName })}` }, `flow ${step.flowName}`);
  return failureSourceLink(ctx.base, first);
}

function group(items, ctx) {
  const first = items[0];
  return el(
    'section',
    { class: 'failure-group', 'data-job-id': first.job_id },
    el(
      'header',
      {},
      el('h2', {}, groupLink(first, ctx), el('span', { class: 'count-pill' }, `${items.length}×`)),
      el('p', { class: 'message' }, el('strong', {}, first.error_name), ': ', first.message),
      el('p', { class: 'muted' }, 'last ', relTime(first.failed_at), items.length > 1 ? [', first ', relTime(items.at(-1).failed_at)] : null, ` · handler ${first.handler}`),
      items.length > 1
        ? el(
            'button',
            {
              type: 'button',
              class: 'small',
              'data-key': `clear-group:${first.failure_id}`,
              onclick: async () => {
                if (!(await ctx.confirm(`Clear these ${items.length} failures of ${first.job_id}?`, 'Clear group'))) return;
                await ctx.act(`${items.length} failures cleared`, async () => {
                  for (const f of items) await clearFailure(f);
                });
              },
            },
            'Clear group',
          )
        : null,
    ),
    el('ul', { class: 'failures' }, items.map((f) => failureItem(f, ctx, { showMessage: false }))),
  );
}
