import type { RunLogLine } from '../db/schema.ts';
import type { ErrorInfo } from './execute-attempt.ts';

/** Largest result (as JSON) kept on a run. */
export const RESULT_MAX_BYTES = 64 * 1024;
/** Longest error message or stack kept on a run or failure row, in characters. */
export const ERROR_TEXT_MAX_CHARS = 16 * 1024;
/** Deepest nesting kept in a result or log line; deeper values become '[Too deep]'. */
const MAX_DEPTH = 100;
const REPLACEMENT = '\ufffd';

/** A value as it can be stored, and what was changed to make it so (empty: stored as is). */
export interface Storable<T> {
  value: T;
  changes: string[];
}

/** A run's outcome on its way to the database: what the handler returned or threw, and its log. */
export interface Outcome {
  result?: unknown;
  error?: ErrorInfo;
  log: readonly RunLogLine[];
}

/**
 * The one rule for what PostgreSQL cannot hold (docs/operations.md, "Outcomes made safe"):
 * NUL characters (text and jsonb refuse them) and unpaired UTF-16 surrogates become U+FFFD;
 * BigInt values become their decimal text; a circular reference becomes '[Circular]'; nesting
 * past 100 levels '[Too deep]'; a value JSON cannot hold otherwise goes as JSON.stringify writes
 * it (NaN and Infinity as null, functions dropped). A result past RESULT_MAX_BYTES becomes
 * `{ truncated, bytes, preview }`; an error's message and stack are cut at ERROR_TEXT_MAX_CHARS.
 * What was changed is said by one warn line appended to the log. Pure: the outcome given is not
 * modified; `at` dates the warn line.
 */
export function storableOutcome<O extends Outcome>(outcome: O, at: Date = new Date()): O {
  const changes = new Set<string>();
  const out: O = { ...outcome };
  if ('result' in outcome) {
    const result = storableValue(outcome.result, RESULT_MAX_BYTES);
    out.result = result.value;
    for (const c of result.changes) changes.add(`result: ${c}`);
  }
  if (outcome.error) {
    const notes = new Set<string>();
    out.error = {
      name: storableText(outcome.error.name, 200, notes),
      message: storableText(outcome.error.message, ERROR_TEXT_MAX_CHARS, notes),
      stack: outcome.error.stack === null ? null : storableText(outcome.error.stack, ERROR_TEXT_MAX_CHARS, notes),
    };
    for (const c of notes) changes.add(`error: ${c}`);
  }
  // The run log is capped as it is written (run-log.ts); here it is only made storable.
  const log = storableValue(outcome.log, Number.POSITIVE_INFINITY);
  for (const c of log.changes) changes.add(`log: ${c}`);
  if (changes.size === 0) return out;
  const sanitised = [...changes];
  out.log = [...(log.value as RunLogLine[]), { at: at.toISOString(), level: 'warn', msg: `outcome stored made safe: ${sanitised.join('; ')}`, data: { sanitised } }];
  return out;
}

/** `value` as JSON PostgreSQL's jsonb accepts, at most `maxBytes` of it (see storableOutcome). */
export function storableValue(value: unknown, maxBytes: number): Storable<unknown> {
  if (value === undefined) return { value: null, changes: [] };
  const changes = new Set<string>();
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // BigInt or a cycle: walked below.
  }
  // JSON.stringify writes NUL and lone surrogates as \u escapes; anything else is stored as is.
  // An escaped backslash before such text matches too, and only costs the walk.
  if (json === undefined || /\\u(?:0000|d[89a-f])/i.test(json)) {
    let cleaned: unknown;
    try {
      cleaned = clean(value, changes, new Set(), 0);
      json = JSON.stringify(cleaned);
    } catch (err) {
      // A getter or toJSON that throws, a Proxy: nothing of it can be stored.
      const reason = storableText(err instanceof Error ? err.message : String(err), 1024, changes);
      return { value: { unserialisable: true, reason }, changes: [...changes, 'unserialisable value replaced'] };
    }
    if (json === undefined) return { value: null, changes: [...changes] };
    value = cleaned;
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) {
    changes.add(`truncated: ${bytes} bytes past the cap of ${maxBytes}`);
    return { value: { truncated: true, bytes, preview: json.slice(0, 1024).toWellFormed() }, changes: [...changes] };
  }
  return { value, changes: [...changes] };
}

/** `text` without NUL or lone surrogates, cut at `maxChars`; what was changed is added to `changes`. */
export function storableText(text: string, maxChars: number, changes: Set<string>): string {
  let out = cleanString(text, changes);
  if (out.length > maxChars) {
    changes.add(`text cut at ${maxChars} characters`);
    out = `${out.slice(0, maxChars).toWellFormed()}… (${out.length - maxChars} more characters)`;
  }
  return out;
}

function cleanString(s: string, changes: Set<string>): string {
  let out = s;
  if (out.includes('\u0000')) {
    changes.add('NUL characters replaced with U+FFFD');
    out = out.replaceAll('\u0000', REPLACEMENT);
  }
  if (!out.isWellFormed()) {
    changes.add('lone surrogates replaced with U+FFFD');
    out = out.toWellFormed();
  }
  return out;
}

// A copy of `value` JSON.stringify can write and jsonb accepts. `ancestors` holds the objects
// on the path from the root: the same object met twice side by side is not a cycle.
function clean(value: unknown, changes: Set<string>, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return cleanString(value, changes);
  if (typeof value === 'bigint') {
    changes.add('BigInt values written as strings');
    return value.toString();
  }
  if (value === null || typeof value !== 'object') return value;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') {
    const replaced: unknown = json.call(value);
    if (replaced !== value) return clean(replaced, changes, ancestors, depth);
  }
  if (ancestors.has(value)) {
    changes.add('circular references replaced with "[Circular]"');
    return '[Circular]';
  }
  if (depth >= MAX_DEPTH) {
    changes.add(`nesting past ${MAX_DEPTH} levels replaced with "[Too deep]"`);
    return '[Too deep]';
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => clean(item, changes, ancestors, depth + 1));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[cleanString(key, changes)] = clean((value as Record<string, unknown>)[key], changes, ancestors, depth + 1);
    return out;
  } finally {
    ancestors.delete(value);
  }
}
