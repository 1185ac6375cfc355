import { redactText } from './redact-text.ts';
import { isSecretName, REDACTED } from './secret-names.ts';

/**
 * A JSON value (a job's kwargs, a log line's data) as it may be shown: under a secret name, at
 * any depth, every string is `***`; every other string has its URLs and `name=value` secrets
 * redacted (redactText). Numbers, booleans, null and empty strings are shown as they are (a
 * `max_tokens` of 1000 is not a secret). `secret` says the value itself sits under a secret name.
 * Returns a copy; the value given is not changed.
 */
export function redactValue(value: unknown, secret = false): unknown {
  return redact(value, secret, new Set());
}

/** redactValue for an object (kwargs, log data): the same shape back. */
export function redactFields<T extends Record<string, unknown>>(fields: T): T {
  return redactValue(fields) as T;
}

// `open` holds the objects being copied above this one: a log line's data may be any object, and
// a cycle is shown as a mark rather than followed forever.
function redact(value: unknown, secret: boolean, open: Set<object>): unknown {
  if (typeof value === 'string') return secret && value !== '' ? REDACTED : redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (open.has(value)) return '[circular]';
  // An Error's message and stack are not enumerable: kept (redacted) as fields of its own.
  if (value instanceof Error) return { name: value.name, message: redact(value.message, secret, open), stack: redact(value.stack ?? null, secret, open) };
  if (!Array.isArray(value) && !isPlain(value)) return value; // a Date, a Buffer: shown as JSON shows them
  open.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((item) => redact(item, secret, open));
  } else {
    const copy: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) copy[name] = redact(item, secret || isSecretName(name), open);
    out = copy;
  }
  open.delete(value);
  return out;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
