// The small, safe substitution flow kwargs use: `${args.name}`, `${steps.download.result.path}`,
// `${flow.run_id}`. A path is looked up, never evaluated: there is no expression language.

const PLACEHOLDER = /\$\$\{|\$\{([^}]*)\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;
const ROOTS = ['args', 'steps', 'flow'] as const;
const FLOW_FIELDS = ['name', 'run_id', 'job_id'];

/** A placeholder that cannot be read or resolved; `field` is where it is (`kwargs.command[2]`). */
export class TemplateError extends Error {
  readonly field: string;
  constructor(message: string, field: string) {
    super(message);
    this.name = 'TemplateError';
    this.field = field;
  }
}

/** One `${…}` found in kwargs. */
export interface Reference {
  path: string[];
  /** Where it is written, e.g. `kwargs.command[2]`. */
  field: string;
}

/** What placeholders are resolved against. */
export interface TemplateScope {
  args: Record<string, unknown>;
  /** Results of steps that ran; a step absent here (and from `skipped`) has not run. */
  steps: Record<string, { result: unknown }>;
  /** Steps a selective run left out: their result is null, and so is anything read below it. */
  skipped?: ReadonlySet<string>;
  flow: { name: string; run_id: string; job_id: string | null };
}

function walk(value: unknown, field: string, visit: (text: string, field: string) => unknown): unknown {
  if (typeof value === 'string') return visit(value, field);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${field}[${i}]`, visit));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${field}.${k}`, visit)]));
  }
  return value;
}

function parsePath(expr: string, field: string): string[] {
  const text = expr.trim();
  if (!PATH.test(text)) throw new TemplateError(`\${${expr}} is not a path like \${args.name} or \${steps.download.result.path} (no expressions)`, field);
  const path = text.split('.');
  const root = path[0]!;
  if (!(ROOTS as readonly string[]).includes(root)) throw new TemplateError(`\${${text}}: a placeholder starts with args., steps. or flow.`, field);
  if (root === 'args' && path.length < 2) throw new TemplateError(`\${${text}}: name the argument, e.g. \${args.name}`, field);
  if (root === 'flow' && (path.length !== 2 || !FLOW_FIELDS.includes(path[1]!))) {
    throw new TemplateError(`\${${text}}: flow. has ${FLOW_FIELDS.join(', ')}`, field);
  }
  if (root === 'steps' && (path.length < 3 || path[2] !== 'result')) {
    throw new TemplateError(`\${${text}}: a step is referred to as \${steps.<id>.result} or \${steps.<id>.result.<path>}`, field);
  }
  return path;
}

/** Every placeholder in `kwargs`, checked for form; throws TemplateError at the first malformed one. */
export function findReferences(kwargs: Record<string, unknown>, field = 'kwargs'): Reference[] {
  const found: Reference[] = [];
  walk(kwargs, field, (text, at) => {
    for (const m of text.matchAll(PLACEHOLDER)) if (m[1] !== undefined) found.push({ path: parsePath(m[1], at), field: at });
    return text;
  });
  return found;
}

/** What a placeholder into a skipped step's result gives: null as a whole value, nothing inside text. */
const NOT_RUN = Symbol('not run');

function lookup(path: string[], scope: TemplateScope, field: string): unknown {
  const [root, ...rest] = path;
  let node: unknown;
  let tail: string[];
  if (root === 'args') {
    node = scope.args;
    tail = rest;
  } else if (root === 'flow') {
    node = scope.flow;
    tail = rest;
  } else {
    const stepId = rest[0]!;
    if (scope.skipped?.has(stepId) === true) return NOT_RUN;
    const step = scope.steps[stepId];
    if (step === undefined) throw new TemplateError(`\${${path.join('.')}}: step '${stepId}' did not run in this flow run`, field);
    node = step.result;
    tail = rest.slice(2);
  }
  let walked = root === 'steps' ? `steps.${rest[0]}.result` : root!;
  for (const segment of tail) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) {
      throw new TemplateError(`\${${path.join('.')}}: ${walked} has no '${segment}'`, field);
    }
    node = (node as Record<string, unknown>)[segment];
    walked += `.${segment}`;
  }
  if (node === undefined) throw new TemplateError(`\${${path.join('.')}} is undefined`, field);
  return node;
}

/**
 * `kwargs` with every placeholder replaced. A string that is exactly one placeholder takes the
 * value as it is (a number stays a number, an object an object); inside longer text a value is
 * written as text (objects as JSON). `$${` writes a literal `${`.
 */
export function resolveTemplates(kwargs: Record<string, unknown>, scope: TemplateScope, field = 'kwargs'): Record<string, unknown> {
  return walk(kwargs, field, (text, at) => {
    const whole = /^\$\{([^}]*)\}$/.exec(text);
    if (whole) {
      const value = lookup(parsePath(whole[1]!, at), scope, at);
      return value === NOT_RUN ? null : value;
    }
    return text.replace(PLACEHOLDER, (match, expr: string | undefined) => {
      if (expr === undefined) return '${';
      const value = lookup(parsePath(expr, at), scope, at);
      if (value === NOT_RUN) return '';
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  }) as Record<string, unknown>;
}
