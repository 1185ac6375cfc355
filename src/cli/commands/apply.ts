// `bosun apply <file.yaml|folder>…`: brings a running service to the job files given, as
// `kubectl apply` does: the files are checked as startup checks default jobs, compared with the
// service's jobs, the difference shown, and then (after a yes) each job sent in one request.
import { formatProblem, type JobFileProblem } from '../../default-jobs/job-file-error.ts';
import { confirm } from '../confirm.ts';
import { EXIT } from '../exit-codes.ts';
import { runSubcommand, type CommandContext, type Subcommand } from '../group.ts';
import { ApiError } from '../http-client.ts';
import { planJob, renderPlan, type JobPlan } from '../job-diff.ts';
import { printJson } from '../list-output.ts';
import { readLocalJobs, refusalProblems, serviceRoot, type LocalJob } from '../local-job-files.ts';

function jobPath(id: string): string {
  return `/jobs/${encodeURIComponent(id)}`;
}

/** Every local job and the service's view of it (undefined: not there, or not visible to this token). */
async function plans(ctx: CommandContext, jobs: LocalJob[]): Promise<Array<{ job: LocalJob; plan: JobPlan }>> {
  const out: Array<{ job: LocalJob; plan: JobPlan }> = [];
  for (const job of jobs) {
    let remote: Record<string, unknown> | undefined;
    try {
      remote = ((await ctx.client().request('GET', jobPath(job.definition.job_id))) as { job: Record<string, unknown> }).job;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    out.push({ job, plan: planJob(job, remote) });
  }
  return out;
}

const apply: Subcommand = {
  usage: '<file.yaml|folder>... [--dry-run] [--yes]',
  summary: 'create or change jobs from YAML job files, showing the difference first',
  help: `Each file (or every .yaml/.yml file of a folder, as the default-jobs folder is read) is
checked as startup checks default jobs, with the handlers and flows of this configuration
(BOSUN_HANDLERS_DIR, BOSUN_FLOWS_DIR); every problem is printed as file:line:column field: message
and nothing is sent. Then each job is compared with the service's (GET /jobs/{job_id}):
  + job   created (POST /jobs)
  ~ job   changed (PATCH /jobs/{job_id}): each field as old → new; a field the file leaves out
          goes back to its default; state only when the file writes it
  = job   unchanged
Secrets in kwargs are compared as the service shows them (***), so a changed secret alone is not
seen as a change. Each job is one request: a refusal is reported at its file:line and the other
jobs are still applied.

Options:
  --dry-run        show the difference and stop
  -y, --yes        apply without asking (required when stdin is not a terminal)
Exit codes: 0 applied or nothing to change, 4 a file or the service refused a job.`,
  options: { 'dry-run': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
  positionals: [1, Infinity],
  async run(ctx) {
    const jobs: LocalJob[] = [];
    const problems: JobFileProblem[] = [];
    for (const target of ctx.positionals) {
      const read = await readLocalJobs(target, serviceRoot(ctx.client().baseUrl));
      jobs.push(...read.jobs);
      problems.push(...read.problems);
    }
    const seen = new Map<string, LocalJob>();
    for (const job of jobs) {
      const first = seen.get(job.definition.job_id);
      if (first) problems.push({ ...job.at('job_id'), message: `job_id '${job.definition.job_id}' is also defined in ${first.file}; each job_id belongs to one file` });
      else seen.set(job.definition.job_id, job);
    }
    if (problems.length > 0) {
      ctx.err.write(`${problems.map(formatProblem).join('\n')}\n${problems.length} problem(s); nothing applied\n`);
      return EXIT.invalid;
    }

    const planned = await plans(ctx, jobs);
    const changes = planned.filter((p) => p.plan.action !== 'unchanged');
    const dryRun = ctx.values['dry-run'] === true;
    if (ctx.json && (dryRun || changes.length === 0)) {
      printJson(ctx, { applied: false, plan: planned.map((p) => ({ ...p.plan, file: p.job.file })) });
      return EXIT.ok;
    }
    if (!ctx.json) for (const { job, plan } of planned) ctx.out.write(renderPlan(plan, job.file));
    if (changes.length === 0) {
      if (!ctx.json) ctx.out.write('nothing to change\n');
      return EXIT.ok;
    }
    if (dryRun) {
      ctx.out.write(`${changes.length} job(s) to change; nothing applied (--dry-run)\n`);
      return EXIT.ok;
    }
    if (!(await confirm(`apply ${changes.length} change(s) to ${ctx.client().baseUrl}?`, ctx.values.yes === true))) {
      ctx.err.write('nothing applied\n');
      return EXIT.ok;
    }

    const refused: JobFileProblem[] = [];
    const done: Array<{ job_id: string; action: string; file: string }> = [];
    for (const { job, plan } of changes) {
      try {
        if (plan.action === 'create') await ctx.client().request('POST', '/jobs', { body: plan.body });
        else if (plan.action === 'update') await ctx.client().request('PATCH', jobPath(plan.job_id), { body: plan.body });
        done.push({ job_id: plan.job_id, action: plan.action === 'create' ? 'created' : 'updated', file: job.file });
        if (!ctx.json) ctx.out.write(`${plan.action === 'create' ? 'created' : 'updated'} ${plan.job_id}\n`);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 401) throw error;
        refused.push(...refusalProblems(job, error));
      }
    }
    if (ctx.json) printJson(ctx, { applied: true, done, refused });
    if (refused.length > 0) {
      ctx.err.write(`${refused.map(formatProblem).join('\n')}\n${refused.length} problem(s); ${done.length} of ${changes.length} change(s) applied\n`);
      return EXIT.invalid;
    }
    return EXIT.ok;
  },
};

/** `bosun apply …` */
export function run(args: string[]): Promise<number> {
  return runSubcommand('apply', apply, args);
}
