import { BosunError } from '../errors.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { parseDuration } from '../schedule/index.ts';
import { parseRetryBackoff } from '../worker/retry-delay.ts';
import type { FlowDefinition, FlowStep } from './flow.ts';
import { ancestors, findCycle } from './graph.ts';
import { findReferences, TemplateError } from './template.ts';

/** One thing wrong with a flow declaration; `path` locates it in the document (`['steps', 2, 'waits', 0]`). */
export interface FlowProblem {
  path: Array<string | number>;
  /** As shown to people: `steps[2].waits`, or `name`. */
  field: string;
  message: string;
}

const FLOW_FIELDS = ['name', 'description', 'steps'];
const STEP_FIELDS = ['id', 'handler', 'description', 'kwargs', 'waits', 'timeout', 'retries', 'retry_delay', 'retry_backoff'];
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const MAX_STEPS = 10_000;
const MAX_RETRIES = 100;
const MAX_MS = 2_147_483_647;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const given = (v: unknown) => v !== undefined && v !== null && v !== '';
const fieldOf = (path: Array<string | number>) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/**
 * Checks a flow declaration (the parsed YAML) and builds its definition: required and unique step
 * ids, known ids in `waits`, no cycle (named), known handlers, valid kwargs where they hold no
 * placeholder, placeholders well-formed and referring only to steps waited for. Every problem is
 * returned, each naming its step; `flow` is set only when there are none.
 */
export function declareFlow(raw: unknown, file: string | null, registry: HandlerRegistry, limits: { maxSteps?: number } = {}): { flow?: FlowDefinition; problems: FlowProblem[] } {
  const problems: FlowProblem[] = [];
  const problem = (path: Array<string | number>, message: string) => problems.push({ path, field: fieldOf(path), message });
  if (!isObject(raw)) {
    problem([], 'a flow file must be a mapping with name: and steps:');
    return { problems };
  }
  for (const key of Object.keys(raw)) if (!FLOW_FIELDS.includes(key)) problem([key], `unknown field '${key}' (a flow has: ${FLOW_FIELDS.join(', ')})`);
  const name = raw.name;
  if (typeof name !== 'string' || !NAME.test(name)) problem(['name'], `name is required: letters, digits and _ . - starting with a letter, got ${JSON.stringify(name)}`);
  if (given(raw.description) && typeof raw.description !== 'string') problem(['description'], 'description must be text');
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) {
    problem(['steps'], 'steps must be a non-empty list of steps (id, handler, kwargs, waits)');
    return { problems };
  }
  const maxSteps = limits.maxSteps ?? MAX_STEPS;
  if (raw.steps.length > maxSteps) {
    problem(['steps'], `a flow has at most ${maxSteps} steps, this one ${raw.steps.length}`);
    return { problems };
  }

  const steps: FlowStep[] = [];
  const firstIndex = new Map<string, number>();
  raw.steps.forEach((item: unknown, i: number) => {
    const at = (...rest: Array<string | number>) => ['steps', i, ...rest];
    if (!isObject(item)) return problem(at(), `step ${i + 1} must be a mapping (id, handler, kwargs, waits)`);
    const label = typeof item.id === 'string' ? `step '${item.id}'` : `step ${i + 1}`;
    for (const key of Object.keys(item)) if (!STEP_FIELDS.includes(key)) problem(at(key), `${label}: unknown field '${key}' (a step has: ${STEP_FIELDS.join(', ')})`);
    const id = item.id;
    if (!given(id)) problem(at(), `${label}: id is required`);
    else if (typeof id !== 'string' || !STEP_ID.test(id)) problem(at('id'), `${label}: id must be letters, digits, _ and - starting with a letter or _, got ${JSON.stringify(id)}`);
    else if (firstIndex.has(id)) problem(at('id'), `step '${id}' is declared twice (first as step ${firstIndex.get(id)! + 1}); step ids must be unique`);
    else firstIndex.set(id, i);

    let handler = '';
    if (typeof item.handler !== 'string' || item.handler === '') problem(at(), `${label}: handler is required (e.g. command)`);
    else {
      try {
        handler = registry.resolve(item.handler).name;
      } catch (err) {
        problem(at('handler'), `${label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const kwargs = item.kwargs ?? {};
    if (!isObject(kwargs)) problem(at('kwargs'), `${label}: kwargs must be a mapping`);

    let waits: string[] = [];
    if (given(item.waits)) {
      if (!Array.isArray(item.waits) || item.waits.some((w) => typeof w !== 'string')) problem(at('waits'), `${label}: waits must be a list of step ids`);
      else waits = item.waits as string[];
      if (new Set(waits).size !== waits.length) problem(at('waits'), `${label}: waits names a step twice`);
    }

    const duration = (key: string, allowZero: boolean): number | null => {
      if (!given(item[key])) return null;
      try {
        const ms = parseDuration(item[key], key);
        if (!allowZero && ms === 0) throw new Error(`${key} must be longer than 0`);
        if (ms > MAX_MS) throw new Error(`${key} must be at most about 24 days`);
        return ms;
      } catch (err) {
        problem(at(key), `${label}: ${(err as Error).message}`);
        return null;
      }
    };
    const timeout = duration('timeout', false);
    const retryDelay = duration('retry_delay', true);
    const retries = item.retries ?? 0;
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
      problem(at('retries'), `${label}: retries must be a whole number from 0 to ${MAX_RETRIES}, got ${JSON.stringify(retries)}`);
    }
    const backoff = parseRetryBackoff(item.retry_backoff ?? false);
    if ('error' in backoff) problem(at('retry_backoff'), `${label}: ${backoff.error}`);

    steps.push({
      id: typeof id === 'string' ? id : `#${i + 1}`,
      handler,
      description: typeof item.description === 'string' ? item.description : null,
      kwargs: isObject(kwargs) ? kwargs : {},
      waits,
      timeout_ms: timeout,
      retries: typeof retries === 'number' ? retries : 0,
      retry_delay_ms: retryDelay ?? 0,
      retry_backoff: 'factor' in backoff ? backoff.factor : 1,
    });
  });
  if (problems.length > 0) return { problems };

  // Graph checks, once every step has a good id.
  steps.forEach((s, i) => {
    s.waits.forEach((w, j) => {
      if (w === s.id) problem(['steps', i, 'waits', j], `step '${s.id}' waits for itself`);
      else if (!firstIndex.has(w)) problem(['steps', i, 'waits', j], `step '${s.id}' waits for '${w}', which is not a step of this flow (steps: ${steps.map((x) => x.id).join(', ')})`);
    });
  });
  if (problems.length > 0) return { problems };
  const cycle = findCycle(steps);
  if (cycle) {
    problem(['steps', firstIndex.get(cycle[0]!)!, 'waits'], `steps wait for each other in a cycle: ${cycle.join(' waits for ')}`);
    return { problems };
  }

  steps.forEach((s, i) => {
    const handlerClass = registry.resolve(s.handler);
    let refs;
    try {
      refs = findReferences(s.kwargs);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      return problem(['steps', i, ...fieldPathOf(err.field)], `step '${s.id}': ${err.message}`);
    }
    const before = ancestors(steps, s.id);
    for (const ref of refs) {
      const [root, stepId] = ref.path;
      if (root === 'steps' && !before.has(stepId!)) {
        const why = firstIndex.has(stepId!) ? `it does not wait for '${stepId}' (add it to waits)` : `'${stepId}' is not a step of this flow`;
        problem(['steps', i, ...fieldPathOf(ref.field)], `step '${s.id}' refers to \${${ref.path.join('.')}} but ${why}`);
      }
    }
    // Kwargs with placeholders are checked against the handler's schema once resolved, when the step starts.
    if (refs.length === 0) {
      try {
        s.kwargs = registry.validateKwargs(handlerClass, s.kwargs);
      } catch (err) {
        if (!(err instanceof BosunError)) throw err;
        problem(['steps', i, ...fieldPathOf(err.field ?? 'kwargs')], `step '${s.id}': ${err.message}`);
      }
    }
  });
  if (problems.length > 0) return { problems };
  const description = typeof raw.description === 'string' ? raw.description : null;
  return { flow: { name: name as string, description, steps, source: file === null ? 'api' : 'file', file, owner: null, updated_at: null }, problems };
}

/** `kwargs.command[2]` → ['kwargs', 'command', 2]. */
function fieldPathOf(field: string): Array<string | number> {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
