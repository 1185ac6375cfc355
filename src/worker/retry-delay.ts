/** Longest wait before a retry, however many attempts have failed. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/** retry_backoff's range: 1 keeps the delay fixed, `true` means 2 (doubling), 10 is the most. */
export const MIN_RETRY_BACKOFF = 1;
export const MAX_RETRY_BACKOFF = 10;
/** The factor `retry_backoff: true` stands for. */
export const DEFAULT_RETRY_BACKOFF = 2;

/**
 * Delay before retry number `retry` (1 = the first retry). With a factor of 1, fixed at `delayMs`;
 * above 1, `delayMs` (1 s when 0) multiplied by the factor for every retry after the first, with
 * "equal jitter" (half fixed, half random, so retries of many runs that failed together spread
 * out), capped at MAX_RETRY_DELAY_MS.
 */
export function retryDelayMs(retry: number, delayMs: number, backoff: number, random: () => number = Math.random): number {
  if (!(backoff > 1)) return Math.min(delayMs, MAX_RETRY_DELAY_MS);
  const factor = Math.min(backoff, MAX_RETRY_BACKOFF);
  const base = Math.min((delayMs > 0 ? delayMs : 1000) * factor ** Math.min(retry - 1, 30), MAX_RETRY_DELAY_MS);
  return Math.round(base / 2 + (base / 2) * random());
}

/**
 * retry_backoff as given (true, false, or a factor from 1 to 10) as the stored factor; a message
 * saying what is allowed otherwise.
 */
export function parseRetryBackoff(value: unknown): { factor: number } | { error: string } {
  if (value === true) return { factor: DEFAULT_RETRY_BACKOFF };
  if (value === false) return { factor: MIN_RETRY_BACKOFF };
  if (typeof value === 'number' && Number.isFinite(value) && value >= MIN_RETRY_BACKOFF && value <= MAX_RETRY_BACKOFF) return { factor: value };
  return { error: `retry_backoff must be true, false or a factor from ${MIN_RETRY_BACKOFF} to ${MAX_RETRY_BACKOFF} (each retry waits that many times longer), got ${JSON.stringify(value)}` };
}

/** The stored factor as the API shows it: false for a fixed delay, true for doubling, else the number. */
export function retryBackoffView(factor: number): boolean | number {
  if (factor === MIN_RETRY_BACKOFF) return false;
  if (factor === DEFAULT_RETRY_BACKOFF) return true;
  return factor;
}
