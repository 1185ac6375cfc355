import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isMap, LineCounter, parseAllDocuments } from 'yaml';
import { BosunError } from '../errors.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { formatProblem, type JobFileProblem } from '../default-jobs/job-file-error.ts';
import { listJobFiles } from '../default-jobs/load-job-files.ts';
import { lineColumn, offsetOf } from '../default-jobs/yaml-position.ts';
import { declareFlow } from './declare-flow.ts';
import type { FlowDefinition } from './flow.ts';

/** A problem in a flow file, at `file:line:column` (the same shape as a default-job file problem). */
export type FlowFileProblem = JobFileProblem;

function shownPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') ? rel : absolute;
}

/** Parses one flow file's text: the flow, or every problem with its line and column. */
export function parseFlowFile(text: string, file: string, registry: HandlerRegistry): { flow?: FlowDefinition; problems: FlowFileProblem[] } {
  const counter = new LineCounter();
  const at = (offset: number, field: string, message: string): FlowFileProblem => ({ file, ...lineColumn(counter, offset), field, message });
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs) || docs.length === 0) return { problems: [at(0, 'yaml', 'the file is empty; a flow file holds one flow (name:, steps:)')] };
  const syntax = docs.flatMap((d) => d.errors);
  if (syntax.length > 0) return { problems: syntax.map((e) => at(e.pos[0], 'yaml', e.message.split('\n')[0] ?? e.message)) };
  const doc = docs[0]!;
  if (docs.length > 1) return { problems: [at(docs[1]!.range[0], 'yaml', 'a flow file holds one flow; this file has more than one YAML document (---)')] };
  if (!isMap(doc.contents)) return { problems: [at(doc.contents?.range?.[0] ?? 0, 'yaml', 'a flow file must be a mapping (name:, steps:)')] };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { problems: [at(0, 'yaml', (err as Error).message)] };
  }
  const result = declareFlow(raw, file, registry);
  return {
    ...(result.flow ? { flow: result.flow } : {}),
    problems: result.problems.map((p) => at(offsetOf(doc, p.path.map(String)).offset, p.field || 'yaml', p.message)),
  };
}

/**
 * Reads every `.yaml`/`.yml` file under `dir` (one flow each) and refuses two flows of one name.
 * A missing folder has no flows. All problems are collected, so one run reports them all.
 */
export async function loadFlowFiles(dir: string, registry: HandlerRegistry): Promise<{ flows: FlowDefinition[]; problems: FlowFileProblem[] }> {
  let paths: string[];
  try {
    paths = await listJobFiles(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { flows: [], problems: [] };
    throw err;
  }
  const flows: FlowDefinition[] = [];
  const problems: FlowFileProblem[] = [];
  const seen = new Map<string, FlowDefinition>();
  for (const path of paths) {
    const file = shownPath(join(dir, path));
    const result = parseFlowFile(await readFile(join(dir, path), 'utf8'), file, registry);
    problems.push(...result.problems);
    if (!result.flow) continue;
    const first = seen.get(result.flow.name);
    if (first) {
      problems.push({ file, line: 1, column: 1, field: 'name', message: `flow '${result.flow.name}' is also declared in ${first.file}; flow names must be unique` });
      continue;
    }
    seen.set(result.flow.name, result.flow);
    flows.push(result.flow);
  }
  return { flows, problems };
}

/** Every problem of the flows folder as one error; startup stops with it. */
export function invalidFlowFiles(problems: FlowFileProblem[]): BosunError {
  const head = `${problems.length} problem(s) in flow file(s); no flow was loaded`;
  return new BosunError('invalid-flow', `${head}:\n${problems.map(formatProblem).join('\n')}`, { field: problems[0]?.field, details: { problems } });
}
