import type { Job } from '../jobs/job.ts';
import { jobView } from './job-view.ts';

// A page of 50 jobs cost the service ≈ 1.5 ms of CPU, most of it reading the rows (pg's row
// parser, 200 instants) and building and stringifying 50 views, although a listed job rarely
// changed since the last time it was listed. Each job's view is kept as JSON text under its row
// version (PostgreSQL's xmin: every update of a row writes a new one), so a page whose rows are
// unchanged reads only ids and versions, and one whose rows changed reads just those rows.
// Exact, never stale: a version seen is the committed row it names. (An xid repeats only after
// 2^32 transactions; a view kept that long would also need its row rewritten by exactly that xid.
// Another server may hand out the same xids: the version also names the server's start.)

/** The stored row version of a job: PostgreSQL's xmin and the server's start time, as text. */
export type RowVersion = string;

/** Job views as JSON text, at most `size` of them, each valid for one row version. */
export class JobViewCache {
  private readonly kept = new Map<string, { version: RowVersion; json: string }>();
  private readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  /** The view's JSON when `jobId` was rendered at `version`, else undefined. */
  get(jobId: string, version: RowVersion): string | undefined {
    const entry = this.kept.get(jobId);
    return entry !== undefined && entry.version === version ? entry.json : undefined;
  }

  /** The job's view as JSON, kept under `version` (the row it was read from). */
  render(job: Job, version: RowVersion): string {
    const json = JSON.stringify(jobView(job));
    if (this.size > 0) {
      // Oldest written first out; a job re-rendered moves to the back.
      this.kept.delete(job.job_id);
      if (this.kept.size >= this.size) this.kept.delete(this.kept.keys().next().value!);
      this.kept.set(job.job_id, { version, json });
    }
    return json;
  }
}
