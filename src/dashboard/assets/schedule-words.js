// Schedules in words and their next occurrences, asked of the dashboard's server (which uses
// src/schedule), cached per schedule so a poll only asks about schedules it has not seen.
import { previewSchedules } from './api.js';

const cache = new Map();

/** For each job, `{description, upcoming}` (or `{error}`), keyed by job_id. */
export async function previewJobs(jobs, count = 0) {
  const key = (job) => `${count}|${job.run_count ?? 0}|${JSON.stringify(job.schedule)}`;
  // The API already words each schedule; only upcoming occurrences (count > 0) need asking.
  const missing = jobs.filter((job) => job.schedule && (count > 0 || !job.schedule_description) && !cache.has(key(job)));
  if (missing.length > 0) {
    const previews = await previewSchedules(missing.map((job) => ({ schedule: job.schedule, run_count: job.run_count ?? 0 })), count);
    missing.forEach((job, i) => cache.set(key(job), previews[i]));
  }
  if (cache.size > 5000) cache.clear();
  const out = new Map();
  for (const job of jobs) {
    const preview = job.schedule ? cache.get(key(job)) : undefined;
    const description = job.schedule_description ?? preview?.description ?? preview?.error ?? '—';
    out.set(job.job_id, { description, upcoming: preview?.upcoming ?? [], error: preview?.error });
  }
  return out;
}
