// The few values a job file may leave to bosun, written `${NAME}` in any text value: today the URL
// of bosun's own API, so a job calling bosun back (the default health ping) follows HOST and PORT
// instead of hard-coding them. Only these names are filled in: any other `${…}` stays as written
// (a shell command's own variables), and the environment is never read, so no secret of bosun's
// can end up in a stored job.

/** `${BOSUN_API_URL}`: where this machine reaches bosun's API (src/service-url.ts). */
export const API_URL = 'BOSUN_API_URL';

export type Placeholders = Readonly<Record<string, string>>;

/** `value` with each `${NAME}` of `placeholders` filled in, in every string at any depth. */
export function fillPlaceholders(value: unknown, placeholders: Placeholders): unknown {
  if (typeof value === 'string') {
    return value.includes('${') ? value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (whole, name: string) => (Object.hasOwn(placeholders, name) ? placeholders[name]! : whole)) : value;
  }
  if (Array.isArray(value)) return value.map((v) => fillPlaceholders(v, placeholders));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, placeholders)]));
  }
  return value;
}
