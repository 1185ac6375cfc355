// Pieces shared by the flows page and a flow run's page: links, a table of flow runs, who started one.
import { badge, el, formatDuration, relTime, shortId } from './dom.js';
import { jobHref } from './run-views.js';

export const flowRunHref = (base, run) => `${base}flow-runs/${encodeURIComponent(run.flow_run_id)}`;
/** The flow's card on the flows page (its id is `flow-<name>`). */
export const flowHref = (base, name) => `${base}flows#${flowAnchor(name)}`;
export const flowAnchor = (name) => `flow-${name}`;

/** Milliseconds a flow run took, or has taken so far while unfinished. */
export function flowRunDuration(run, now = Date.now()) {
  if (run.elapsed_ms !== null && run.elapsed_ms !== undefined) return run.elapsed_ms;
  if (!run.created_at || run.finished_at) return null;
  return now - Date.parse(run.created_at);
}

/** The flow-scheduling job that started a run, or the API. */
export function startedBy(run, ctx) {
  return run.job_id ? ['job ', el('a', { href: jobHref(ctx.base, run.job_id) }, run.job_id)] : 'HTTP API';
}

/** Flow runs, newest first, each with its aggregate status (`various`: a step failed, others still run). */
export function flowRunsTable(runs, ctx) {
  if (runs.length === 0) return el('p', { class: 'empty' }, 'No flow runs yet. Start one below, or with a flow-scheduling job.');
  const head = ['Run', 'Flow', 'Status', 'Started', 'Finished', 'Elapsed', 'Reruns', 'Started by'];
  return el(
    'table',
    { class: 'flow-runs' },
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      runs.map((run) =>
        el(
          'tr',
          { 'data-flow-run-id': run.flow_run_id, 'data-status': run.status },
          el('th', { scope: 'row' }, el('a', { href: flowRunHref(ctx.base, run), title: run.flow_run_id }, shortId(run.flow_run_id))),
          el('td', {}, run.flow_name),
          el('td', {}, badge(run.status)),
          el('td', {}, relTime(run.created_at)),
          el('td', {}, relTime(run.finished_at)),
          el('td', { class: 'num' }, run.finished_at ? formatDuration(flowRunDuration(run)) : el('span', { class: 'muted' }, 'running')),
          el('td', { class: 'num' }, String(run.reruns ?? 0)),
          el('td', {}, startedBy(run, ctx)),
        ),
      ),
    ),
  );
}
