/**
 * bosun's one error family. Every error a caller can cause is a BosunError with a
 * stable `code`; the API maps it once to problem+json (src/api/problem.ts), the CLI
 * prints it, startup exits with it. Anything else reaching the edge is a bug and
 * becomes a 500 that does not leak internals.
 */

/** The closed set of error codes; each becomes the problem `type` `.../problems/<code>`. */
export type ErrorCode =
  | 'invalid-config'
  | 'invalid-request'
  | 'invalid-schedule'
  | 'invalid-kwargs'
  | 'invalid-job-file'
  | 'unknown-handler'
  | 'invalid-handler'
  | 'not-found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'payload-too-large'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'misdirected-request'
  | 'unavailable'
  | 'invalid-flow';

const STATUS: Record<ErrorCode, number> = {
  'invalid-config': 500,
  'invalid-request': 400,
  'invalid-schedule': 400,
  'invalid-kwargs': 400,
  'invalid-job-file': 400,
  'unknown-handler': 404,
  'invalid-handler': 500,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  'payload-too-large': 413,
  'method-not-allowed': 405,
  'unsupported-media-type': 415,
  'misdirected-request': 421,
  unavailable: 503,
  'invalid-flow': 400,
};

export interface BosunErrorOptions {
  /** The input field at fault, as the user wrote it (`periodically`, `kwargs.url`, `PORT`). */
  field?: string;
  /** Extra machine-readable members for problem+json (e.g. file, line, column). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * One of several problems reported at once (a request's or a file's), in problem+json's
 * `errors` list: the field as the user wrote it, what is wrong, and the known name meant when
 * the field or value is a near miss of one.
 */
export interface FieldProblem {
  field: string;
  message: string;
  suggestion?: string;
}

/** Base of every error bosun raises on purpose. */
export class BosunError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: BosunErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
    this.details = options.details ?? {};
  }

  /** HTTP status this error is answered with. */
  get status(): number {
    return STATUS[this.code];
  }
}

/** A bad environment variable; startup stops with it. */
export class ConfigError extends BosunError {
  constructor(variable: string, message: string) {
    super('invalid-config', `${variable}: ${message}`, { field: variable });
  }
}

/** Request input that does not fit the contract. */
export class ValidationError extends BosunError {
  constructor(message: string, options: BosunErrorOptions = {}) {
    super('invalid-request', message, options);
  }
}

/** A schedule field (`periodically`, `when`, `cron`, …) that cannot be understood. */
export class ScheduleError extends BosunError {
  constructor(field: string, message: string) {
    super('invalid-schedule', message, { field });
  }
}

/** A thing looked up by id that does not exist (or that the caller may not see). */
export class NotFoundError extends BosunError {
  constructor(what: string, id: string) {
    super('not-found', `${what} '${id}' not found`, { field: what === 'job' ? 'job_id' : undefined, details: { id } });
  }
}

/** A write that collides with existing state, such as a duplicate job_id. */
export class ConflictError extends BosunError {
  constructor(message: string, options: BosunErrorOptions = {}) {
    super('conflict', message, options);
  }
}
