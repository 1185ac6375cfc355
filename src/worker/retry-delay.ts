/** Longest wait before a retry, however many attempts have failed. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * Delay before retry number `retry` (1 = the first retry). Fixed at `delayMs`, or with backoff
 * doubled each time with "equal jitter" (half fixed, half random, so retries of many runs that
 * failed together spread out), capped at MAX_RETRY_DELAY_MS.
 */
export function retryDelayMs(retry: number, delayMs: number, backoff: boolean, random: () => number = Math.random): number {
  if (!backoff) return Math.min(delayMs, MAX_RETRY_DELAY_MS);
  const base = Math.min((delayMs > 0 ? delayMs : 1000) * 2 ** Math.min(retry - 1, 30), MAX_RETRY_DELAY_MS);
  return Math.round(base / 2 + (base / 2) * random());
}
