// Audit: who did what to which job, newest first, filtered by job, actor, action and time range
// (kept in the URL so a filtered view can be shared).
import { api, query } from './api.js';
import { AUDIT_ACTIONS, AUDIT_RANGES, actionLabel, auditApiParams, auditFilters, auditSearch } from './audit-format.js';
import { auditTable } from './audit-views.js';
import { el, renderInto } from './dom.js';

const PAGE_SIZE = 50;

/** An ISO instant as a datetime-local value in the reader's zone ('' for none). */
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (the reader's zone) as an ISO instant ('' for none or unreadable). */
function fromLocalInput(value) {
  const t = value ? new Date(value).getTime() : NaN;
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
}

const field = (id, label, control) => el('span', { class: 'field' }, el('label', { for: id }, label), control);

export function auditPage(container, ctx) {
  document.title = 'Audit · bosun';
  const initial = auditFilters(location.search);
  let offset = 0;

  const job = el('input', { id: 'audit-job', type: 'search', value: initial.job_id, placeholder: 'exact job id' });
  const actor = el('input', { id: 'audit-actor', type: 'search', value: initial.actor, placeholder: 'user name' });
  const action = el('select', { id: 'audit-action' }, el('option', { value: '' }, 'any action'), AUDIT_ACTIONS.map((a) => el('option', { value: a }, actionLabel(a))));
  action.value = initial.action;
  const range = el('select', { id: 'audit-range' }, AUDIT_RANGES.map(([v, label]) => el('option', { value: v }, label)));
  range.value = initial.range;
  const since = el('input', { id: 'audit-since', type: 'datetime-local', value: toLocalInput(initial.since) });
  const until = el('input', { id: 'audit-until', type: 'datetime-local', value: toLocalInput(initial.until) });
  const count = el('p', { class: 'muted', id: 'audit-count', 'aria-live': 'polite' });
  const list = el('div', { class: 'table-wrap' });
  const pager = el('div', { class: 'pager' });

  const filters = () => ({
    job_id: job.value.trim(),
    actor: actor.value.trim(),
    action: action.value,
    range: range.value,
    since: fromLocalInput(since.value),
    until: fromLocalInput(until.value),
  });
  const changed = () => {
    offset = 0;
    history.replaceState(null, '', `${location.pathname}${auditSearch(filters())}`);
    void ctx.refresh();
  };
  let debounce;
  for (const input of [job, actor]) {
    input.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(changed, 300);
    });
  }
  // A preset range and explicit instants exclude each other: picking one clears the other.
  range.addEventListener('change', () => {
    if (range.value) since.value = until.value = '';
    changed();
  });
  for (const input of [since, until]) {
    input.addEventListener('change', () => {
      if (input.value) range.value = '';
      changed();
    });
  }
  action.addEventListener('change', changed);

  container.replaceChildren(
    el('h1', {}, 'Audit'),
    el('p', { class: 'lead muted' }, 'Every change to a job, a run or the scheduler, by whom and when; newest first.'),
    el(
      'form',
      { class: 'filters', role: 'search', 'aria-label': 'Filter the audit log', onsubmit: (e) => e.preventDefault() },
      // Each label stays on the line of its control when the row wraps.
      field('audit-job', 'Job', job),
      field('audit-actor', 'Actor', actor),
      field('audit-action', 'Action', action),
      field('audit-range', 'Time range', range),
      field('audit-since', 'From', since),
      field('audit-until', 'To', until),
    ),
    count,
    list,
    pager,
  );

  async function refresh() {
    const data = await api('GET', `/audit${query({ ...auditApiParams(filters(), Date.now()), limit: PAGE_SIZE, offset })}`);
    const { entries, total } = data;
    count.textContent = `${total} entr${total === 1 ? 'y' : 'ies'}${total > entries.length ? `, showing ${offset + 1}–${offset + entries.length}` : ''}`;
    renderInto(list, entries, () =>
      entries.length
        ? auditTable(entries, ctx)
        : el('p', { class: 'empty' }, 'No audit entries match. Changes made through the API, the CLI and the default-jobs sync are recorded here.'),
    );
    renderInto(pager, { offset, total, n: entries.length }, () => {
      const more = offset + entries.length < total;
      if (offset === 0 && !more) return [];
      const go = (o) => {
        offset = o;
        void ctx.refresh();
      };
      return [
        el('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE_SIZE)) }, '← Newer'),
        el('button', { type: 'button', disabled: !more, onclick: () => go(offset + PAGE_SIZE) }, 'Older →'),
      ];
    });
  }
  return { refresh };
}
