/**
 * Wakes the local pg-boss workers at the instants occurrences come due. Polling alone starts a
 * deferred job up to a poll interval late; a timer per due instant brings that to a few ms.
 * Instants far ahead are not armed (the worker's lookahead arms them when they come near).
 */
export class WakeTimer {
  readonly #timers = new Map<number, NodeJS.Timeout>();
  /** How many occurrences are known to come due at each armed instant. */
  readonly #counts = new Map<number, number>();
  readonly #wake: (count: number) => void;
  readonly #horizonMs: number;
  #stopped = false;

  constructor(wake: (count: number) => void, horizonMs = 60_000) {
    this.#wake = wake;
    this.#horizonMs = horizonMs;
  }

  /**
   * Wakes workers at `instant` for `count` occurrences due then (and once more just after, in
   * case the fetch raced the clock).
   */
  arm(instant: Date, count = 1): void {
    const at = instant.getTime();
    const delay = at - Date.now();
    if (this.#stopped || delay > this.#horizonMs) return;
    this.#counts.set(at, Math.max(this.#counts.get(at) ?? 0, count));
    if (this.#timers.has(at)) return;
    if (delay <= 0) {
      this.#counts.delete(at);
      this.#wake(count);
      return;
    }
    const timer = setTimeout(() => {
      const due = this.#counts.get(at) ?? 1;
      this.#wake(due);
      const again = setTimeout(() => {
        this.#timers.delete(at);
        this.#counts.delete(at);
        this.#wake(due);
      }, 25);
      again.unref();
      this.#timers.set(at, again);
    }, delay);
    timer.unref();
    this.#timers.set(at, timer);
  }

  /** How many instants are armed. */
  get size(): number {
    return this.#timers.size;
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#counts.clear();
  }
}
