import { BosunError } from '../errors.ts';
import { didYouMean } from '../suggest.ts';

/** One problem in one job file, at the position of the key (or token) at fault. */
export interface JobFileProblem {
  /** As shown to people: relative to the working directory when inside it. */
  file: string;
  line: number;
  column: number;
  /** The field at fault (`periodically`, `kwargs.url`, `job_id`), or `yaml` for a syntax error. */
  field: string;
  message: string;
  /** The known name probably meant (a handler, field or argument), when the one written is close to it. */
  suggestion?: string;
}

/** `file:line:column field: message`, the form editors and CI logs turn into links. */
export function formatProblem(p: JobFileProblem): string {
  return `${p.file}:${p.line}:${p.column} ${p.field}: ${p.message}${didYouMean(p.suggestion)}`;
}

/** Every problem of a default-jobs folder at once; nothing was applied. */
export function invalidJobFiles(problems: JobFileProblem[]): BosunError {
  const files = new Set(problems.map((p) => p.file)).size;
  const head = `${problems.length} problem(s) in ${files} default-job file(s); no default job was applied`;
  return new BosunError('invalid-job-file', `${head}:\n${problems.map(formatProblem).join('\n')}`, {
    field: problems[0]?.field,
    details: { problems },
  });
}
