// Acting on several jobs at once from the jobs page: pause, resume, run now or delete the selected
// jobs, one API call each (the same calls as the per-job buttons, so the same owner rules), then
// a result per job. A job the action does not fit (pausing a paused job) is skipped with the reason
// rather than sent.
import { api } from './api.js';
import { el } from './dom.js';

const path = (jobId) => `/jobs/${encodeURIComponent(jobId)}`;
/** Calls in flight at once: quick for a page of jobs, gentle on the server. */
const PARALLEL = 4;

/** What each bulk action does to one job, and why a job is skipped. */
export const BULK_ACTIONS = {
  pause: {
    label: 'Pause',
    done: 'paused',
    skip: (job) => (job.state === 'paused' ? 'already paused' : job.state !== 'running' ? `${job.state}, nothing to pause` : null),
    call: (id) => api('PUT', `${path(id)}?state=paused`),
  },
  resume: {
    label: 'Resume',
    done: 'resumed',
    skip: (job) => (job.state === 'paused' ? null : `${job.state}, not paused`),
    call: (id) => api('PUT', `${path(id)}?state=running`),
  },
  run: {
    label: 'Run now',
    done: 'run started',
    skip: (job) => (job.state === 'pending' ? 'still being created' : null),
    call: (id) => api('POST', `${path(id)}/run`),
  },
  delete: {
    label: 'Delete',
    done: 'deleted',
    skip: () => null,
    call: (id) => api('DELETE', path(id)),
  },
};

/** Runs `action` on each job, PARALLEL at a time; resolves to one outcome per job, in the given order. */
export async function runBulk(action, jobs) {
  const spec = BULK_ACTIONS[action];
  const outcomes = new Array(jobs.length);
  let next = 0;
  async function lane() {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i];
      const reason = spec.skip(job);
      if (reason) {
        outcomes[i] = { job_id: job.job_id, result: 'skipped', text: reason };
        continue;
      }
      try {
        await spec.call(job.job_id);
        outcomes[i] = { job_id: job.job_id, result: 'ok', text: spec.done };
      } catch (err) {
        outcomes[i] = { job_id: job.job_id, result: 'failed', text: err.message };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, jobs.length) }, lane));
  return outcomes;
}

/** "Paused 2 of 3 jobs: 1 skipped." */
export function bulkSummary(action, outcomes) {
  const n = (r) => outcomes.filter((o) => o.result === r).length;
  const ok = n('ok');
  const rest = [n('skipped') && `${n('skipped')} skipped`, n('failed') && `${n('failed')} failed`].filter(Boolean);
  return `${BULK_ACTIONS[action].label}: ${ok} of ${outcomes.length} job${outcomes.length === 1 ? '' : 's'} ${BULK_ACTIONS[action].done}${rest.length ? `; ${rest.join(', ')}` : ''}.`;
}

/** The outcome of the last bulk action, one line per job; `onClose` dismisses it. */
export function bulkResults(action, outcomes, onClose) {
  const failed = outcomes.some((o) => o.result === 'failed');
  return el(
    'section',
    { class: `bulk-results${failed ? ' has-failed' : ''}`, 'aria-labelledby': 'bulk-results-title' },
    el(
      'div',
      { class: 'bulk-results-head' },
      el('h2', { id: 'bulk-results-title' }, bulkSummary(action, outcomes)),
      el('button', { type: 'button', class: 'small', onclick: onClose }, 'Dismiss'),
    ),
    el(
      'ul',
      {},
      outcomes.map((o) =>
        el('li', { class: `r-${o.result}`, 'data-job-id': o.job_id }, el('code', {}, o.job_id), ' ', el('span', { class: 'result' }, o.result === 'ok' ? `✓ ${o.text}` : o.result === 'skipped' ? `skipped: ${o.text}` : `✗ ${o.text}`)),
      ),
    ),
  );
}
