/**
 * Whether a failed write failed for a reason in the data written, which writing it again cannot
 * change: a PostgreSQL data exception (SQLSTATE class 22: invalid byte sequence, untranslatable
 * character, bad JSON), an integrity violation (23) or a program limit (54: a value too large),
 * or a value the driver could not serialise. Anything else (connection lost, server shutting
 * down, deadlock, pool timeout) may pass when tried again.
 */
export function failsForTheData(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

/** The SQLSTATE of a PostgreSQL error, when it has one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
