// defineJob stops at the first problem it meets, which suits a write: nothing is stored either
// way. Someone fixing a file or a request wants every problem at once. This runs defineJob, and
// after each problem again without the field at fault, until it passes or nothing is left to
// drop; handler and kwargs problems are taken from the registry without stopping the rest.
import { BosunError, type FieldProblem } from '../errors.ts';
import type { HandlerClass } from '../handlers/base-handler.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { suggest } from '../suggest.ts';
import { defineJob, JOB_FIELDS, type DefineJobContext } from './define-job.ts';
import type { JobDefinition } from './job.ts';

/** The definition when the input is valid; else every problem found, in the order of the input. */
export type JobProblems = { definition: JobDefinition; problems: [] } | { definition?: undefined; problems: FieldProblem[] };

/** A BosunError's problems: its per-field list when it has one, else its own field and message. */
export function problemsOf(err: BosunError): FieldProblem[] {
  const list = err.details.errors;
  if (Array.isArray(list) && list.length > 0) return list as FieldProblem[];
  return [{ field: err.field ?? '', message: err.message }];
}

/** The top-level field a problem's field belongs to: `weekly.at` → `weekly`, `dates[2]` → `dates`. */
function topField(field: string): string {
  return field.split(/[.[]/)[0] ?? field;
}

/** Every problem of a job definition at once (see the module's comment). */
export function defineJobProblems(input: Record<string, unknown>, ctx: DefineJobContext): JobProblems {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { problems: [{ field: '', message: 'a job definition must be an object of fields' }] };
  }
  const problems: FieldProblem[] = [];
  const working: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if ((JOB_FIELDS as readonly string[]).includes(key)) {
      working[key] = value;
      continue;
    }
    const suggestion = suggest(key, JOB_FIELDS);
    problems.push({ field: key, message: `unknown field '${key}'${suggestion ? '' : ` (a job has: ${JOB_FIELDS.join(', ')})`}`, ...(suggestion ? { suggestion } : {}) });
  }

  const registry = collectingRegistry(ctx.registry, problems);
  // Each pass drops one field, so the number of fields bounds the passes.
  for (let pass = 0; pass <= JOB_FIELDS.length; pass++) {
    try {
      const definition = defineJob(working, { ...ctx, registry });
      return problems.length === 0 ? { definition, problems: [] } : { problems: distinct(problems) };
    } catch (err) {
      if (!(err instanceof BosunError)) throw err;
      problems.push(...problemsOf(err));
      const field = topField(err.field ?? '');
      if (!Object.hasOwn(working, field)) break;
      delete working[field];
    }
  }
  return { problems: distinct(problems) };
}

/** The handler and kwargs are checked again on every pass: each problem once. */
function distinct(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The registry as defineJob sees it here: an unknown handler and invalid kwargs are recorded,
 * with the handler or argument probably meant, and the definition goes on with a stand-in.
 */
function collectingRegistry(registry: HandlerRegistry, problems: FieldProblem[]): HandlerRegistry {
  const standIns = new WeakSet<object>();
  return {
    list: () => registry.list(),
    resolve(name) {
      try {
        return registry.resolve(name);
      } catch (err) {
        if (!(err instanceof BosunError)) throw err;
        problems.push(...problemsOf(err));
        const standIn = { name, defaults: {} } as unknown as HandlerClass;
        standIns.add(standIn);
        return standIn;
      }
    },
    validateKwargs(handler, kwargs) {
      if (standIns.has(handler)) return {};
      try {
        return registry.validateKwargs(handler, kwargs);
      } catch (err) {
        if (!(err instanceof BosunError)) throw err;
        const known = Object.keys((handler.kwargsSchema as { properties?: object } | undefined)?.properties ?? {});
        problems.push(...problemsOf(err).map((p) => withArgumentSuggestion(p, known)));
        return {};
      }
    },
  };
}

/** `kwargs.comand is not a known argument` → suggestion `command`, from the handler's schema. */
function withArgumentSuggestion(problem: FieldProblem, known: string[]): FieldProblem {
  if (problem.suggestion !== undefined || !/not a known argument/.test(problem.message)) return problem;
  const name = problem.field.split('.').at(-1) ?? '';
  const suggestion = problem.field.split('.').length === 2 ? suggest(name, known) : undefined;
  return suggestion ? { ...problem, suggestion } : problem;
}
