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
  if (typeof value === 'string') return secret && value !== '' ? REDACTED : redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secret));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = redactValue(item, secret || isSecretName(name));
    return out;
  }
  return value;
}

/** redactValue for an object (kwargs, log data): the same shape back. */
export function redactFields<T extends Record<string, unknown>>(fields: T): T {
  return redactValue(fields) as T;
}
