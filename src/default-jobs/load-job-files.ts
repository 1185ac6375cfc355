import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isMap, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { JOB_FIELDS } from '../jobs/define-job.ts';
import { defineJobProblems } from '../jobs/define-job-problems.ts';
import { suggest } from '../suggest.ts';
import type { JobDefinition } from '../jobs/job.ts';
import type { JobFileProblem } from './job-file-error.ts';
import { fieldPath, lineColumn, offsetOf } from './yaml-position.ts';
import { fillPlaceholders, type Placeholders } from './placeholders.ts';

const JOB_FILE = /\.ya?ml$/i;

/** A default job read from its file, with where it came from. */
export interface LoadedJob {
  definition: JobDefinition;
  /** Path relative to the default-jobs folder, with `/` separators (the `yaml:` source). */
  path: string;
}

/** Every definition of the folder, and every problem found; callers apply nothing when `errors` is not empty. */
export interface LoadedJobFiles {
  definitions: LoadedJob[];
  errors: JobFileProblem[];
}

/** `.yaml`/`.yml` files under `dir`, recursively, sorted; hidden files and folders are skipped. */
export async function listJobFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && JOB_FILE.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => !p.split('/').some((part) => part.startsWith('.')))
    .sort();
}

// Reading files one after another waits on the thread pool four times a file (open, stat, read,
// close): 10 000 files took seconds, the CPU mostly idle. A few dozen at a time, in order.
const READ_AT_ONCE = 32;

/** The contents of `files` (UTF-8), in their order, read a few at a time. */
async function readAll(files: readonly string[]): Promise<string[]> {
  const texts: string[] = new Array(files.length);
  let next = 0;
  const reader = async () => {
    while (next < files.length) {
      const i = next++;
      texts[i] = await readFile(files[i]!, 'utf8');
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_AT_ONCE, files.length) }, reader));
  return texts;
}

function shownPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') ? rel : absolute;
}

/**
 * Moves the handler's arguments of a file written in the top-level layout (no `kwargs:`) under
 * `kwargs`; job fields stay where they are, so a handler argument named like one (`timeout`,
 * `description`) needs the `kwargs:` layout.
 */
export function normalizeLayout(raw: Record<string, unknown>): { input: Record<string, unknown>; topLevelKwargs: boolean } {
  if (Object.hasOwn(raw, 'kwargs')) return { input: raw, topLevelKwargs: false };
  const input: Record<string, unknown> = {};
  const kwargs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if ((JOB_FIELDS as readonly string[]).includes(key)) input[key] = value;
    else kwargs[key] = value;
  }
  input.kwargs = kwargs;
  return { input, topLevelKwargs: true };
}

interface FileResult {
  job?: LoadedJob;
  /** Where `job_id` is written, for the duplicate-id message. */
  idAt?: { line: number; column: number };
  problems: JobFileProblem[];
}

function parseJobFile(text: string, path: string, file: string, registry: HandlerRegistry, now: Date, placeholders: Placeholders): FileResult {
  const counter = new LineCounter();
  const at = (doc: Document | undefined, offset: number, field: string, message: string): JobFileProblem => ({
    file,
    ...lineColumn(counter, offset),
    field,
    message,
  });
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs) || docs.length === 0) return { problems: [at(undefined, 0, 'yaml', 'the file is empty; a job file holds one job (handler, job_id, …)')] };
  const syntax = docs.flatMap((d) => d.errors);
  if (syntax.length > 0) {
    return { problems: syntax.map((e) => at(undefined, e.pos[0], 'yaml', e.message.split('\n')[0] ?? e.message)) };
  }
  const doc = docs[0]!;
  if (docs.length > 1) return { problems: [at(doc, docs[1]!.range[0], 'yaml', 'a job file holds one job; this file has more than one YAML document (---)')] };
  if (!isMap(doc.contents)) return { problems: [at(doc, doc.contents?.range?.[0] ?? 0, 'yaml', 'a job file must be a mapping of fields (handler: …, job_id: …)')] };

  let raw: Record<string, unknown>;
  try {
    raw = fillPlaceholders(doc.toJS({ maxAliasCount: 100 }), placeholders) as Record<string, unknown>;
  } catch (err) {
    return { problems: [at(doc, 0, 'yaml', (err as Error).message)] };
  }
  const { input, topLevelKwargs } = normalizeLayout(raw);
  const where = (field: string): number => {
    let path = fieldPath(field);
    if (topLevelKwargs && path[0] === 'kwargs') path = path.slice(1);
    // A required argument that is missing has no key to point at: point at the handler.
    const found = offsetOf(doc, path);
    return found.depth === 0 && path.length > 0 ? offsetOf(doc, ['handler']).offset : found.offset;
  };
  const problems: JobFileProblem[] = [];
  if (typeof input.job_id !== 'string' || input.job_id === '') {
    const message =
      input.job_id === undefined || input.job_id === null ? 'job_id is required in a job file (it is the key the file is applied by)' : `job_id must be a string, got ${JSON.stringify(input.job_id)}`;
    problems.push(at(doc, where('job_id'), 'job_id', message));
    // The rest of the file is still checked, so every problem is reported at once.
    delete input.job_id;
  }
  const result = defineJobProblems(input, { registry, now, source: `yaml:${path}`, owner: null, allowPast: true });
  if (result.definition !== undefined && problems.length === 0) {
    return { job: { definition: result.definition, path }, idAt: lineColumn(counter, offsetOf(doc, ['job_id']).offset), problems: [] };
  }
  return {
    problems: problems.concat(result.problems.map((p) => {
      let { message, suggestion } = p;
      if (topLevelKwargs && suggestion === undefined && /^kwargs\.[^.]+$/.test(p.field) && /not a known argument/.test(message)) {
        // In the top-level layout a misspelt job field reads as an unknown handler argument.
        suggestion = suggest(p.field.slice('kwargs.'.length), JOB_FIELDS);
      }
      if (!topLevelKwargs && message.startsWith('unknown field')) message += '; with a `kwargs:` section every handler argument goes under it';
      return { ...at(doc, where(p.field), p.field || 'yaml', message), ...(suggestion ? { suggestion } : {}) };
    })),
  };
}

/**
 * Reads and validates every job file of `dir` (all of them, so one run reports every problem),
 * and refuses two files defining one job_id. A missing folder has no jobs. `placeholders` fills in
 * the `${NAME}`s files may use (src/default-jobs/placeholders.ts).
 */
export async function loadJobFiles(dir: string, registry: HandlerRegistry, now: Date, placeholders: Placeholders = {}): Promise<LoadedJobFiles> {
  let paths: string[];
  try {
    paths = await listJobFiles(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { definitions: [], errors: [] };
    throw err;
  }
  const texts = await readAll(paths.map((path) => join(dir, path)));
  const definitions: LoadedJob[] = [];
  const errors: JobFileProblem[] = [];
  const seen = new Map<string, { file: string; line: number; column: number }>();
  for (const [i, path] of paths.entries()) {
    const absolute = join(dir, path);
    const file = shownPath(absolute);
    const result = parseJobFile(texts[i]!, path, file, registry, now, placeholders);
    errors.push(...result.problems);
    if (result.job === undefined) continue;
    const id = result.job.definition.job_id;
    const here = { file, ...(result.idAt ?? { line: 1, column: 1 }) };
    const first = seen.get(id);
    if (first !== undefined) {
      errors.push({ ...here, field: 'job_id', message: `job_id '${id}' is also defined in ${first.file}:${first.line}:${first.column}; each job_id belongs to one file` });
      errors.push({ ...first, field: 'job_id', message: `job_id '${id}' is also defined in ${here.file}:${here.line}:${here.column}; each job_id belongs to one file` });
      continue;
    }
    seen.set(id, here);
    definitions.push(result.job);
  }
  return { definitions, errors };
}
