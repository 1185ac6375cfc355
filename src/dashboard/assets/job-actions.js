// Pause/resume, run now and delete for one job: the same buttons on the jobs table and the job page,
// each enabled only when it makes sense for the job's state.
import { api } from './api.js';
import { el } from './dom.js';

const path = (jobId) => `/jobs/${encodeURIComponent(jobId)}`;

/** The action buttons for a job; `onDeleted` runs after a confirmed delete succeeded. */
export function jobActions(job, ctx, onDeleted) {
  const id = job.job_id;
  const paused = job.state === 'paused';
  const toggle = el(
    'button',
    {
      type: 'button',
      'data-key': `toggle:${id}`,
      disabled: job.state !== 'running' && job.state !== 'paused',
      title: job.state === 'finished' ? 'the schedule has no more occurrences' : undefined,
      'aria-label': `${paused ? 'Resume' : 'Pause'} ${id}`,
      onclick: () => ctx.act(`${id} ${paused ? 'resumed' : 'paused'}`, () => api('PUT', `${path(id)}?state=${paused ? 'running' : 'paused'}`)),
    },
    paused ? 'Resume' : 'Pause',
  );
  const runNow = el(
    'button',
    {
      type: 'button',
      'data-key': `run:${id}`,
      disabled: job.state === 'pending',
      'aria-label': `Run ${id} now`,
      onclick: () => ctx.act(`${id}: run started`, () => api('POST', `${path(id)}/run`)),
    },
    'Run now',
  );
  const remove = el(
    'button',
    {
      type: 'button',
      class: 'danger',
      'data-key': `delete:${id}`,
      'aria-label': `Delete ${id}`,
      onclick: async () => {
        const sure = await ctx.confirm(`Delete job “${id}”? Its schedule stops; its runs and failures stay readable until cleared.`, 'Delete job');
        if (!sure) return;
        await ctx.act(`${id} deleted`, async () => {
          await api('DELETE', path(id));
          onDeleted?.();
        });
      },
    },
    'Delete',
  );
  return el('span', { class: 'actions' }, toggle, runNow, remove);
}

/** When the job runs next, whichever name the API gives it. */
export function nextRunOf(job) {
  return job.next_run_time ?? job.next_run_at ?? null;
}
