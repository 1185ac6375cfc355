// Audit entries as a table, shared by the Audit page and a job's History: who, what, which job,
// when (relative and absolute), and what changed (a modified entry's before → after table).
import { actionLabel, detailSummary, diffRows } from './audit-format.js';
import { bothTimes, el, json, shortId } from './dom.js';
import { jobHref, runHref } from './run-views.js';

/** The entries, newest first as the API gives them; `showJob` false on a job's own page. */
export function auditTable(entries, ctx, { showJob = true } = {}) {
  const head = ['When', 'Who', 'What', ...(showJob ? ['Job'] : []), 'Details'];
  return el(
    'table',
    { class: 'audit' },
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      entries.map((e) =>
        el(
          'tr',
          { 'data-audit-id': e.audit_id, 'data-action': e.action },
          el('td', { class: 'when' }, bothTimes(e.at)),
          el('td', { class: 'who' }, e.actor),
          el('td', { class: 'what' }, el('span', { class: `badge a-${e.action}` }, actionLabel(e.action))),
          showJob ? el('td', { class: 'job' }, e.job_id ? el('a', { href: jobHref(ctx.base, e.job_id) }, e.job_id) : el('span', { class: 'muted' }, 'the scheduler')) : null,
          el('td', { class: 'details' }, details(e, ctx)),
        ),
      ),
    ),
  );
}

function details(entry, ctx) {
  const parts = [];
  if (entry.action === 'modified') {
    const rows = diffRows(entry.detail);
    parts.push(rows.length ? diffTable(rows) : el('span', { class: 'muted' }, 'no field recorded'));
  } else {
    const summary = detailSummary(entry);
    if (summary) parts.push(el('span', {}, summary));
  }
  if (entry.run_id) parts.push(el('a', { href: runHref(ctx.base, entry), title: entry.run_id }, `run ${shortId(entry.run_id)}`));
  if ((entry.action === 'created' || entry.action === 'deleted') && entry.detail?.definition) {
    parts.push(el('details', { 'data-key': `def:${entry.audit_id}` }, el('summary', {}, 'Definition'), el('pre', {}, json(entry.detail.definition))));
  }
  if (parts.length === 0) return el('span', { class: 'muted' }, '—');
  return el('div', { class: 'audit-detail' }, parts);
}

function diffTable(rows) {
  return el(
    'table',
    { class: 'diff' },
    el('caption', { class: 'sr-only' }, 'Changed fields, before and after'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'Before'), el('th', { scope: 'col', 'aria-hidden': 'true' }, ''), el('th', { scope: 'col' }, 'After'))),
    el(
      'tbody',
      {},
      rows.map((r) =>
        el(
          'tr',
          { 'data-field': r.field },
          el('th', { scope: 'row' }, el('code', {}, r.field)),
          el('td', { class: 'from' }, el('code', {}, r.from)),
          el('td', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
          el('td', { class: 'to' }, el('code', {}, r.to)),
        ),
      ),
    ),
  );
}
