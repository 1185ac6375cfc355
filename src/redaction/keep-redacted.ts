import { isSecretName } from './secret-names.ts';
import { redactValue } from './redact-value.ts';

/**
 * kwargs sent to change a job, with every value the client sent back as it was shown replaced by
 * the stored one: a client that reads a job (secrets as `***`), changes one field and sends the
 * kwargs back keeps the secrets it never saw. A value differing from what was shown is taken as
 * sent, so a secret is changed by sending the new one. Objects match by key and arrays by index,
 * at any depth; a `***` with no stored value under it stays the literal text `***`.
 */
export function keepRedacted(sent: unknown, stored: unknown, secret = false): unknown {
  if (stored === undefined) return sent;
  if (same(sent, redactValue(stored, secret))) return stored;
  if (Array.isArray(sent) && Array.isArray(stored)) return sent.map((item, i) => keepRedacted(item, stored[i], secret));
  if (isObject(sent) && isObject(stored)) {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(sent)) out[name] = keepRedacted(item, stored[name], secret || isSecretName(name));
    return out;
  }
  return sent;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

// Key order is not compared: a client may send an object's keys back in any order.
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => same(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return false;
}
