// One run: its timing, outcome, result or error, its log, and the failures it recorded.
import { api, ApiError, query } from './api.js';
import { badge, el, formatDuration, json, relTime, renderInto, runDuration, shortId } from './dom.js';
import { failureItem, flowRunHref, jobHref, logView, when } from './run-views.js';

const ACTIVE = new Set(['scheduled', 'running']);

export function runPage(container, ctx, runId) {
  document.title = `Run ${shortId(runId)} · bosun`;
  const head = el('div', { class: 'page-head' });
  const facts = el('section');
  const outcome = el('section');
  const log = el('section');
  const failures = el('section');
  container.replaceChildren(el('p', { class: 'crumbs' }, el('a', { href: `${ctx.base}runs` }, 'Runs'), ' / '), head, facts, outcome, log, failures);

  async function refresh() {
    let run;
    try {
      ({ run } = await api('GET', `/runs/${encodeURIComponent(runId)}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        renderInto(head, { gone: true }, () => [el('h1', {}, `Run ${runId}`), el('p', { class: 'notice' }, 'No such run.')]);
        return;
      }
      throw err;
    }
    const failureList = run.status === 'failed' || run.status === 'timed_out' || run.attempt > 1
      ? (await api('GET', `/failures${query({ run_id: run.run_id, limit: 100 })}`)).failures
      : [];
    // A flow step's run belongs to its flow run, not to a job: it links there and is not cancelled alone.
    const step = run.flow_run_id ? { flowRunId: run.flow_run_id, flowName: run.flow_name, stepId: run.step_id } : null;
    const owner = step
      ? [el('a', { href: flowRunHref(ctx.base, step.flowRunId), title: `flow run ${step.flowRunId}` }, `${step.flowName} run ${shortId(step.flowRunId)}`), ' step ', el('code', {}, step.stepId)]
      : [el('a', { href: jobHref(ctx.base, run.job_id) }, run.job_id)];
    document.title = `${step ? `${step.flowName} step ${step.stepId}` : run.job_id} run ${shortId(run.run_id)} · bosun`;

    renderInto(head, { id: run.run_id, job: run.job_id, status: run.status }, () => [
      el('h1', {}, ...owner, ' run ', el('code', { title: run.run_id }, shortId(run.run_id)), ' ', badge(run.status)),
      el(
        'span',
        { class: 'actions' },
        el(
          'button',
          {
            type: 'button',
            'data-key': 'cancel',
            disabled: step !== null || !ACTIVE.has(run.status),
            title: step ? 'A step runs as part of its flow run' : undefined,
            onclick: async () => {
              if (await ctx.confirm(`Cancel this run of ${run.job_id}?`, 'Cancel run')) await ctx.act('Run cancelled', () => api('POST', `/runs/${encodeURIComponent(run.run_id)}/cancel`));
            },
          },
          'Cancel run',
        ),
      ),
    ]);
    renderInto(facts, run, () => [
      el('h2', {}, 'Details'),
      el(
        'dl',
        { class: 'definition' },
        [
          ['Status', badge(run.status)],
          ['Trigger', run.trigger],
          ...(step ? [['Flow run', el('a', { href: flowRunHref(ctx.base, step.flowRunId) }, step.flowRunId)], ['Step', [el('code', {}, step.stepId), ' ', badge(run.step_status)]], ['Handler', run.handler ?? '—']] : []),
          ['Scheduled for', [when(run.scheduled_for), ' (', relTime(run.scheduled_for), ')']],
          ['Started', when(run.started_at)],
          ['Finished', when(run.finished_at)],
          ['Duration', formatDuration(runDuration(run))],
          ['Attempt', String(run.attempt ?? 1)],
          ['Host', run.host ?? '—'],
          ['Run id', el('code', {}, run.run_id)],
        ].map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
      ),
    ]);
    renderInto(outcome, { result: run.result, error: run.error, status: run.status }, () => [
      el('h2', {}, run.error ? 'Error' : 'Result'),
      run.error ? el('pre', { class: 'error-text' }, run.error) : null,
      run.result !== null && run.result !== undefined ? el('pre', { class: 'result' }, json(run.result)) : run.error ? null : el('p', { class: 'muted' }, ACTIVE.has(run.status) ? 'Not finished yet.' : 'No result.'),
    ]);
    renderInto(log, run.log ?? [], () => [el('h2', {}, 'Log'), logView(run.log ?? [])]);
    renderInto(failures, failureList, () =>
      failureList.length ? [el('h2', {}, 'Failures'), el('ul', { class: 'failures' }, failureList.map((f) => failureItem(f, ctx)))] : [],
    );
  }
  return { refresh };
}
