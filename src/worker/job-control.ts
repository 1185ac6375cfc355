import type { JobControl } from '../handlers/base-handler.ts';
import type { JobCommands } from '../jobs/commands.ts';
import type { Job, JobDefinition } from '../jobs/job.ts';

/** Turns raw job input into a definition (src/jobs/define-job.ts, bound to the registry). */
export type DefineJob = (input: Record<string, unknown>, owner: string | null) => JobDefinition;

/**
 * What a handler of `job` may do to other jobs: the JobCommands, with input validated like API
 * input and owned by the same owner as the job that creates it.
 */
export function jobControlFor(commands: JobCommands, define: DefineJob | undefined, job: Job): JobControl {
  return {
    async create(input, options) {
      if (!define) throw new Error('this bosun process cannot define jobs from handlers (no job definer was given)');
      const def = define(input, job.owner);
      if (options?.replace) {
        const [result] = await commands.upsert([def]);
        return result!.job.job_id;
      }
      return (await commands.create(def)).job_id;
    },
    async runNow(jobId) {
      return (await commands.runNow(jobId)).run_id;
    },
  };
}
