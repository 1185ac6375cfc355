// Pieces shown on several pages: a table of runs, a run's log, one failure with its stack.
import { api, query } from './api.js';
import { absoluteTime, badge, el, formatDuration, json, relTime, runDuration, shortId } from './dom.js';

export const runHref = (base, run) => `${base}runs/${encodeURIComponent(run.run_id)}`;
export const jobHref = (base, jobId) => `${base}jobs/${encodeURIComponent(jobId)}`;
export const flowRunHref = (base, flowRunId) => `${base}flow-runs/${encodeURIComponent(flowRunId)}`;

/** The flow run a failure of a flow step belongs to (its kwargs say so), or null for a job's failure. */
export function flowStepOf(failure) {
  const k = failure.kwargs ?? {};
  return typeof k.flow_run_id === 'string' && typeof k.flow_name === 'string' ? { flowName: k.flow_name, flowRunId: k.flow_run_id, stepId: k.step_id } : null;
}

/**
 * Where a failure's "job" link leads: the job's page, or for a step of a flow that no job started
 * (job id `flow:<name>`, which has no page) the flow run.
 */
export function failureSourceLink(base, failure) {
  const step = flowStepOf(failure);
  if (step && failure.job_id === `flow:${step.flowName}`) {
    return el('a', { href: flowRunHref(base, step.flowRunId), title: `flow run ${step.flowRunId}` }, `flow ${step.flowName} run ${shortId(step.flowRunId)}`);
  }
  return el('a', { href: jobHref(base, failure.job_id) }, failure.job_id);
}

/** Runs, newest first, each with its status and duration; the log opens in place when there is one. */
export function runsTable(runs, ctx, { showJob = true, showLog = false, empty = 'No runs yet.' } = {}) {
  if (runs.length === 0) return el('p', { class: 'empty' }, empty);
  const head = ['Run', ...(showJob ? ['Job'] : []), 'Status', 'Trigger', 'Scheduled for', 'Started', 'Duration', ...(showLog ? ['Log'] : [])];
  const cell = (label, attrs, ...content) => el('td', { 'data-label': label, ...attrs }, ...content);
  return el(
    'table',
    { class: 'runs stack' },
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      runs.map((run) =>
        el(
          'tr',
          { 'data-run-id': run.run_id, 'data-status': run.status },
          el('th', { scope: 'row' }, el('a', { href: runHref(ctx.base, run), title: run.run_id }, shortId(run.run_id))),
          showJob ? cell('Job', {}, run.flow_run_id ? el('a', { href: flowRunHref(ctx.base, run.flow_run_id), title: `flow run ${run.flow_run_id}` }, `${run.flow_name} · ${run.step_id}`) : el('a', { href: jobHref(ctx.base, run.job_id) }, run.job_id)) : null,
          cell('Status', {}, el('span', {}, badge(run.status), run.attempt > 1 ? el('small', { class: 'muted' }, ` attempt ${run.attempt}`) : null)),
          cell('Trigger', {}, run.trigger),
          cell('Scheduled for', {}, relTime(run.scheduled_for)),
          cell('Started', {}, relTime(run.started_at)),
          cell('Duration', { class: 'num' }, formatDuration(runDuration(run))),
          showLog ? cell('Log', {}, logDetails(run)) : null,
        ),
      ),
    ),
  );
}

const FINAL = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'misfired', 'skipped']);
/** Runs fetched with their log; only finished ones, whose log can no longer change. */
const withLog = new Map();

/** Loads a run with its log (lists carry only `log_lines`). */
async function fullRun(runId) {
  const cached = withLog.get(runId);
  if (cached) return cached;
  const { run } = await api('GET', `/runs/${encodeURIComponent(runId)}`);
  if (FINAL.has(run.status)) withLog.set(runId, run);
  if (withLog.size > 500) withLog.delete(withLog.keys().next().value);
  return run;
}

/** The log in a <details> that fetches it when opened (and again when re-rendered open). */
function logDetails(run) {
  const n = run.log_lines ?? run.log?.length ?? 0;
  if (n === 0 && !run.error) return el('span', { class: 'muted' }, '—');
  const body = el('div', { class: 'log-body' }, el('p', { class: 'muted' }, 'Loading…'));
  const details = el('details', { 'data-key': `log:${run.run_id}` }, el('summary', {}, `${n} line${n === 1 ? '' : 's'}${run.error ? ', error' : ''}`), body);
  details.addEventListener('toggle', () => {
    if (!details.open) return;
    fullRun(run.run_id).then(
      (full) => body.replaceChildren(logView(full.log ?? []), full.error ? el('pre', { class: 'error-text' }, full.error) : ''),
      (err) => body.replaceChildren(el('p', { class: 'error-text' }, err.message)),
    );
  });
  return details;
}

/** A run's log lines: time, level and message, with structured data when the handler gave some. */
export function logView(lines) {
  if (!lines || lines.length === 0) return el('p', { class: 'empty' }, 'The handler logged nothing.');
  return el(
    'ol',
    { class: 'log' },
    lines.map((line) =>
      el(
        'li',
        { class: `level-${line.level}` },
        el('time', { datetime: line.at, title: absoluteTime(line.at) }, new Date(line.at).toLocaleTimeString()),
        el('span', { class: 'level' }, line.level),
        el('span', { class: 'msg' }, line.msg),
        line.data && Object.keys(line.data).length > 0 ? el('code', { class: 'data' }, JSON.stringify(line.data)) : null,
      ),
    ),
  );
}

/** One failure: when, which run and attempt, the kwargs as they were, and the stack trace. */
export function failureItem(failure, ctx, { showJob = false, showMessage = true } = {}) {
  const step = flowStepOf(failure);
  return el(
    'li',
    { class: 'failure', 'data-failure-id': failure.failure_id },
    el(
      'div',
      { class: 'failure-head' },
      showJob ? [failureSourceLink(ctx.base, failure), ' · '] : null,
      showMessage ? [el('strong', {}, failure.error_name), ': ', failure.message] : el('span', { class: 'muted' }, 'failed'),
      el('span', { class: 'spacer' }),
      relTime(failure.failed_at),
      step ? [' · ', el('a', { href: flowRunHref(ctx.base, step.flowRunId), class: 'flow-run-link' }, `step ${step.stepId ?? '?'} of flow run ${shortId(step.flowRunId)}`)] : null,
      failure.run_id ? [' · ', el('a', { href: runHref(ctx.base, failure) }, `run ${shortId(failure.run_id)}`)] : null,
      failure.attempt > 1 ? ` · attempt ${failure.attempt}` : null,
      failure.host ? ` · ${failure.host}` : null,
      el(
        'button',
        {
          type: 'button',
          class: 'small',
          'data-key': `clear:${failure.failure_id}`,
          'aria-label': `Clear failure ${shortId(failure.failure_id)}`,
          onclick: () => ctx.act('Failure cleared', () => clearFailure(failure)),
        },
        'Clear',
      ),
    ),
    el('details', { 'data-key': `kwargs:${failure.failure_id}` }, el('summary', {}, 'Arguments'), el('pre', {}, json(failure.kwargs))),
    el(
      'details',
      { 'data-key': `stack:${failure.failure_id}`, class: 'stack' },
      el('summary', {}, 'Stack trace'),
      el('pre', {}, failure.stack ?? `${failure.error_name}: ${failure.message}\n(no stack trace recorded)`),
    ),
  );
}

/** Clears one failure record. */
export async function clearFailure(failure) {
  const { removed } = await api('DELETE', `/failures/${encodeURIComponent(failure.failure_id)}`);
  if (removed.length === 0) throw new Error('that failure was already cleared');
}

/** The text of an absolute instant, or a dash. */
export function when(iso) {
  return iso ? absoluteTime(iso) : '—';
}
