// Job files on the user's machine for `bosun apply` and `bosun jobs create -f`: read and checked
// by the loader startup's YAML sync uses (src/default-jobs/), against the handlers and flows this
// configuration loads, each kept with its YAML document so the service's refusals can be placed
// at the file, line and column of the field at fault too.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { loadConfig } from '../config.ts';
import type { JobFileProblem } from '../default-jobs/job-file-error.ts';
import { loadJobFiles, normalizeLayout } from '../default-jobs/load-job-files.ts';
import { API_URL, fillPlaceholders, type Placeholders } from '../default-jobs/placeholders.ts';
import { fieldPath, lineColumn, offsetOf } from '../default-jobs/yaml-position.ts';
import { flowCatalog } from '../flows/flow-catalog.ts';
import { loadFlowFiles } from '../flows/load-flow-files.ts';
import { installFlowCatalog } from '../flows/runtime.ts';
import { loadConfiguredHandlers } from '../handlers/registry.ts';
import type { LocalDefinition } from './job-diff.ts';
import { UsageError } from './group.ts';
import type { ApiError } from './http-client.ts';

/** A valid job file, ready to compare and send. */
export interface LocalJob extends LocalDefinition {
  /** As shown to people (relative to the working directory when inside it). */
  file: string;
  /** `file:line:column` of a field of this file (of the job when the field is not written). */
  at(field: string): JobFileProblem;
}

export interface LocalJobs {
  jobs: LocalJob[];
  problems: JobFileProblem[];
}

function shownPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') ? rel : absolute;
}

async function kindOf(target: string): Promise<'file' | 'folder'> {
  try {
    return (await stat(target)).isDirectory() ? 'folder' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`no such file or folder: ${target}`);
    throw error;
  }
}

/** The input a file was written as, and a locator of its fields. */
function reread(text: string, file: string, placeholders: Placeholders): Pick<LocalJob, 'input' | 'at'> {
  const counter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const { input, topLevelKwargs } = normalizeLayout(fillPlaceholders(doc.toJS({ maxAliasCount: 100 }), placeholders) as Record<string, unknown>);
  return {
    input,
    at(field) {
      let path = fieldPath(field);
      if (topLevelKwargs && path[0] === 'kwargs') path = path.slice(1);
      const found = offsetOf(doc, path);
      const offset = found.depth === 0 ? offsetOf(doc, ['job_id']).offset : found.offset;
      return { file, ...lineColumn(counter, offset), field: field || 'yaml', message: '' };
    },
  };
}

/**
 * Every job of `target` (a `.yaml`/`.yml` file, or a folder read as the default-jobs folder is)
 * and every problem found, checked with this configuration's handlers (BOSUN_HANDLERS_DIR) and
 * flows (BOSUN_FLOWS_DIR), as `bosun validate` checks them. `${BOSUN_API_URL}` is the service the
 * CLI talks to (`apiUrl`, without `/api/v1`), as the service fills it in for its own files.
 */
export async function readLocalJobs(target: string, apiUrl: string, now = new Date()): Promise<LocalJobs> {
  const placeholders = { [API_URL]: apiUrl };
  const absolute = resolve(target);
  const kind = await kindOf(absolute);
  if (kind === 'file' && !/\.ya?ml$/i.test(absolute)) throw new UsageError(`${target}: a job file ends in .yaml or .yml`);
  const config = loadConfig();
  const registry = await loadConfiguredHandlers(config);
  const flowFiles = await loadFlowFiles(config.flowsDir, registry);
  if (flowFiles.problems.length > 0) return { jobs: [], problems: flowFiles.problems };
  installFlowCatalog(flowCatalog(flowFiles.flows));

  // A single file is read with its folder's loader and kept alone: the same checks, the same messages.
  const dir = kind === 'folder' ? absolute : dirname(absolute);
  const loaded = await loadJobFiles(dir, registry, now, placeholders);
  const only = kind === 'file' ? basename(absolute) : undefined;
  const shownOnly = only === undefined ? undefined : shownPath(absolute);
  const problems = loaded.errors.filter((p) => shownOnly === undefined || p.file === shownOnly);
  const jobs: LocalJob[] = [];
  for (const { definition, path } of loaded.definitions) {
    if (only !== undefined && path !== only) continue;
    const full = resolve(dir, path);
    const file = shownPath(full);
    jobs.push({ definition, file, ...reread(await readFile(full, 'utf8'), file, placeholders) });
  }
  return { jobs, problems };
}

/** The service's root URL from the client's API base (`…/api/v1`). */
export function serviceRoot(apiBase: string): string {
  return apiBase.replace(/\/api\/v1$/, '');
}

/** The service's refusal placed in the file: one problem per field it names (problem+json `errors`, else `field`). */
export function refusalProblems(job: LocalJob, error: ApiError): JobFileProblem[] {
  const listed = Array.isArray(error.problem.errors) ? (error.problem.errors as Array<{ field?: unknown; message?: unknown }>) : [];
  const each = listed.filter((e) => typeof e.message === 'string');
  const problems = each.length > 0 ? each.map((e) => ({ field: typeof e.field === 'string' ? e.field : '', message: String(e.message) })) : [{ field: error.problem.field ?? '', message: error.message }];
  return problems.map((p) => ({ ...job.at(p.field), message: `${p.message} [HTTP ${error.status}]` }));
}
