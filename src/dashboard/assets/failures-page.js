// Failures, newest first, grouped by job and error message; each with the kwargs that failed
// and its stack trace; clear one, a group, or all.
import { api, query } from './api.js';
import { el, relTime, renderInto } from './dom.js';
import { clearFailure, failureItem, jobHref } from './run-views.js';

const LIMIT = 500;

export function failuresPage(container, ctx) {
  document.title = 'Failures · bosun';
  const body = el('div');
  const summary = el('p', { class: 'muted', 'aria-live': 'polite' });
  const clearAll = el(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: async () => {
        if (await ctx.confirm('Clear every failure record? This cannot be undone.', 'Clear all')) await ctx.act('All failures cleared', () => api('DELETE', '/failures'));
      },
    },
    'Clear all',
  );
  container.replaceChildren(el('div', { class: 'page-head' }, el('h1', {}, 'Failures'), clearAll), summary, body);

  async function refresh() {
    const data = await api('GET', `/failures${query({ limit: LIMIT, sort: '-failed_at' })}`);
    const failures = data.failures;
    clearAll.disabled = failures.length === 0;
    const groups = new Map();
    for (const f of failures) {
      const key = `${f.job_id}\u0000${f.error_name}\u0000${f.message}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    }
    summary.textContent = failures.length
      ? `${data.total} failure${data.total === 1 ? '' : 's'}${data.total > failures.length ? ` (the newest ${failures.length} shown)` : ''} in ${groups.size} group${groups.size === 1 ? '' : 's'}, newest first.`
      : '';
    renderInto(body, failures, () =>
      failures.length === 0
        ? el('p', { class: 'empty' }, 'No failures. Every failed attempt of a run shows up here with its stack trace.')
        : [...groups.values()].map((items) => group(items, ctx)),
    );
  }
  return { refresh };
}

function group(items, ctx) {
  const first = items[0];
  return el(
    'section',
    { class: 'failure-group', 'data-job-id': first.job_id },
    el(
      'header',
      {},
      el('h2', {}, el('a', { href: jobHref(ctx.base, first.job_id) }, first.job_id), el('span', { class: 'count-pill' }, `${items.length}×`)),
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
