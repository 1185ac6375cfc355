/** Largest result (as JSON) kept on a run. */
export const RESULT_MAX_BYTES = 64 * 1024;

/**
 * A handler's return value as it is stored: JSON-safe, and when its JSON is too large (or it
 * cannot be serialised) a small object saying so, with the start of it.
 */
export function capResult(value: unknown): unknown {
  if (value === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    return { unserialisable: true, reason: err instanceof Error ? err.message : String(err) };
  }
  if (json === undefined) return null;
  if (json.length <= RESULT_MAX_BYTES) return JSON.parse(json) as unknown;
  return { truncated: true, bytes: json.length, preview: json.slice(0, 1024) };
}
