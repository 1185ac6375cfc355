// One flow run: its graph coloured by step status, the per-step report (simplejob's: status, exit
// code or result, attempts, start, finish, elapsed), and Rerun while the run has failed.
import { api, ApiError } from './api.js';
import { absoluteTime, badge, el, formatDuration, json, relTime, renderInto, shortId } from './dom.js';
import { flowGraph, legend } from './flow-graph.js';
import { flowHref, flowRunDuration, startedBy } from './flow-views.js';
import { when } from './run-views.js';

export function flowRunPage(container, ctx, flowRunId) {
  document.title = `Flow run ${shortId(flowRunId)} · bosun`;
  const head = el('div', { class: 'page-head' });
  const facts = el('section');
  const graph = el('div', { class: 'chart-box flow-box' });
  const report = el('div', { class: 'table-wrap' });
  container.replaceChildren(
    el('p', { class: 'crumbs' }, el('a', { href: `${ctx.base}flows` }, 'Flows'), ' / '),
    head,
    facts,
    el('section', { 'aria-labelledby': 'graph-title' }, el('h2', { id: 'graph-title' }, 'Graph'), graph),
    el('section', { 'aria-labelledby': 'report-title' }, el('h2', { id: 'report-title' }, 'Steps'), report),
  );

  async function refresh() {
    let run;
    try {
      ({ flow_run: run } = await api('GET', `/flow-runs/${encodeURIComponent(flowRunId)}`));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) {
        renderInto(head, { gone: true }, () => [el('h1', {}, `Flow run ${flowRunId}`), el('p', { class: 'notice' }, 'No such flow run.')]);
        return;
      }
      throw err;
    }
    document.title = `${run.flow_name} run ${shortId(run.flow_run_id)} · bosun`;
    const steps = (run.steps ?? []).map((s) => ({ ...s, id: s.step_id }));

    renderInto(head, { id: run.flow_run_id, flow: run.flow_name, status: run.status }, () => [
      el('h1', {}, el('a', { href: flowHref(ctx.base, run.flow_name) }, run.flow_name), ' run ', el('code', { title: run.flow_run_id }, shortId(run.flow_run_id)), ' ', badge(run.status)),
      el(
        'span',
        { class: 'actions' },
        el(
          'button',
          {
            type: 'button',
            'data-key': 'rerun',
            disabled: run.status !== 'failed',
            title: run.status === 'failed' ? 'run the failed and blocked steps again; succeeded steps keep their results' : 'only a failed run can be rerun',
            onclick: () => ctx.act('Rerun started: the failed and blocked steps run again', () => api('POST', `/flow-runs/${encodeURIComponent(run.flow_run_id)}/rerun`)),
          },
          'Rerun',
        ),
      ),
    ]);
    const { steps: _steps, step_counts: _counts, ...runFacts } = run;
    renderInto(facts, runFacts, () => [
      el('h2', {}, 'Details'),
      el(
        'dl',
        { class: 'definition' },
        [
          ['Status', [badge(run.status), run.status === 'various' ? el('span', { class: 'muted' }, ' a step failed while others still run; the run will end failed') : null]],
          ['Flow', el('a', { href: flowHref(ctx.base, run.flow_name) }, run.flow_name)],
          ['Arguments', el('pre', {}, json(run.arguments ?? {}))],
          ['Started by', startedBy(run, ctx)],
          ['Started', [when(run.created_at), ' (', relTime(run.created_at), ')']],
          ['Finished', when(run.finished_at)],
          ['Elapsed', formatDuration(flowRunDuration(run))],
          ['Reruns', String(run.reruns ?? 0)],
          ['Flow run id', el('code', {}, run.flow_run_id)],
        ].map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
      ),
    ]);
    renderInto(graph, steps, () => (steps.length ? [flowGraph(steps, { label: `Flow run of ${run.flow_name}` }), legend(steps)] : el('p', { class: 'empty' }, 'This run has no steps.')));
    renderInto(report, steps, () => reportTable(steps));
  }
  return { refresh };
}

/** The per-step report, in run order as the API gives it. */
function reportTable(steps) {
  const head = ['Step', 'Handler', 'Status', 'Exit code / result', 'Attempts', 'Started', 'Finished', 'Elapsed'];
  return el(
    'table',
    { class: 'flow-report' },
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      steps.map((s) =>
        el(
          'tr',
          { 'data-step-id': s.step_id, 'data-status': s.status },
          el('th', { scope: 'row' }, s.step_id, waitsNote(s.waits)),
          el('td', {}, el('code', {}, s.handler ?? '—')),
          el('td', {}, badge(s.status)),
          el('td', { class: 'outcome' }, outcome(s)),
          el('td', { class: 'num' }, String(s.attempts ?? 0)),
          el('td', { class: 'clock' }, clock(s.started_at)),
          el('td', { class: 'clock' }, clock(s.finished_at)),
          el('td', { class: 'num' }, s.elapsed_ms !== null && s.elapsed_ms !== undefined ? formatDuration(s.elapsed_ms) : s.status === 'running' ? relTime(s.started_at) : '—'),
        ),
      ),
    ),
  );
}

/** Exit code first (what a command step is judged by), then the result and the error on demand. */
function outcome(s) {
  // An empty result ({} from noop) says nothing the status does not.
  const hasResult = s.result !== null && s.result !== undefined && !(typeof s.result === 'object' && Object.keys(s.result).length === 0);
  return [
    s.exit_code !== null && s.exit_code !== undefined ? el('span', { class: `exit ${s.exit_code === 0 ? '' : 'error-text'}` }, `exit ${s.exit_code}`) : null,
    hasResult && !(s.exit_code !== null && s.exit_code !== undefined) ? el('code', { class: 'result-inline' }, clipJson(s.result)) : null,
    hasResult ? el('details', { 'data-key': `result:${s.step_id}` }, el('summary', {}, 'Result'), el('pre', {}, json(s.result))) : null,
    s.error ? el('details', { 'data-key': `error:${s.step_id}`, class: 'stack' }, el('summary', {}, 'Error'), el('pre', {}, s.error)) : null,
    !hasResult && !s.error && (s.exit_code === null || s.exit_code === undefined) ? el('span', { class: 'muted' }, '—') : null,
  ];
}

/** "after a, b", or for a join of many "after 40 steps" with the names on hover. */
function waitsNote(waits) {
  if (!waits?.length) return null;
  const text = waits.length > 4 ? `after ${waits.length} steps` : `after ${waits.join(', ')}`;
  return el('small', { class: 'muted waits', title: waits.length > 4 ? waits.join(', ') : undefined }, text);
}

function clipJson(value) {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Time of day, the full instant on hover: steps of one run are usually minutes apart. */
function clock(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  return el('time', { datetime: iso, title: absoluteTime(iso) }, new Date(iso).toLocaleTimeString());
}
