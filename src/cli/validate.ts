import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { BosunError } from '../errors.ts';
import { formatProblem } from '../default-jobs/job-file-error.ts';
import { jobFileSchema } from '../default-jobs/job-file-schema.ts';
import { loadJobFiles } from '../default-jobs/load-job-files.ts';
import { API_URL } from '../default-jobs/placeholders.ts';
import { serviceUrlFromEnv } from '../service-url.ts';
import { loadConfiguredHandlers } from '../handlers/registry.ts';
import { flowCatalog } from '../flows/flow-catalog.ts';
import { loadFlowFiles } from '../flows/load-flow-files.ts';
import { installFlowCatalog } from '../flows/runtime.ts';
import { EXIT } from './exit-codes.ts';

const USAGE = `usage: bosun validate [dir]
       bosun validate --schema

Checks every job file of the default-jobs folder (dir, else BOSUN_DEFAULT_JOBS_DIR, else
./default-jobs) against the handlers (built-in and BOSUN_HANDLERS_DIR) and the flows
(BOSUN_FLOWS_DIR, else ./flows; its files are checked too), without a database.
Prints each problem as file:line:column field: message. Exit 0 when all are valid, 4 when
any is not, 1 when the handlers or the folder cannot be loaded.

--schema prints the JSON Schema of job files for these handlers.
`;

/** `bosun validate [dir]`: the pre-commit / CI check of default-job files. */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const positional = args.filter((a) => !a.startsWith('-'));
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--schema');
  if (unknown.length > 0 || positional.length > 1) {
    process.stderr.write(`bosun validate: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'at most one folder'}\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const config = loadConfig();
    const registry = await loadConfiguredHandlers(config);
    if (args.includes('--schema')) {
      process.stdout.write(`${JSON.stringify(jobFileSchema(registry), null, 2)}\n`);
      return EXIT.ok;
    }
    const dir = positional[0] === undefined ? config.defaultJobsDir : resolve(positional[0]);
    if (!existsSync(dir)) {
      process.stderr.write(`bosun validate: no such folder ${dir}\n`);
      return EXIT.failure;
    }
    // The flows folder too: job files naming a flow (flow-scheduling's flow_name, task_names) are
    // checked against it, as at startup; a broken flow file is a problem like a broken job file.
    const flowFiles = await loadFlowFiles(config.flowsDir, registry);
    if (flowFiles.problems.length > 0) {
      process.stderr.write(`${flowFiles.problems.map(formatProblem).join('\n')}\n${flowFiles.problems.length} problem(s) in flow file(s) of ${config.flowsDir}\n`);
      return EXIT.invalid;
    }
    installFlowCatalog(flowCatalog(flowFiles.flows));
    const { definitions, errors } = await loadJobFiles(dir, registry, new Date(), { [API_URL]: serviceUrlFromEnv(process.env) });
    if (errors.length > 0) {
      process.stderr.write(`${errors.map(formatProblem).join('\n')}\n${errors.length} problem(s); ${definitions.length} valid job file(s)\n`);
      return EXIT.invalid;
    }
    process.stdout.write(`${definitions.length} job file(s) valid in ${dir}; ${flowFiles.flows.length} flow(s) valid in ${config.flowsDir}\n`);
    return EXIT.ok;
  } catch (err) {
    process.stderr.write(`bosun validate: ${err instanceof BosunError ? err.message : String((err as Error).stack ?? err)}\n`);
    return EXIT.failure;
  }
}
