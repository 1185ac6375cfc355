/**
 * Wakes the local pg-boss workers at the instants occurrences come due. Polling alone starts a
 * deferred job up to a poll interval late; a timer per due instant brings that to a few ms.
 * Instants far ahead are not armed (the worker's lookahead arms them when they come near).
 */
export class WakeTimer {
  readonly #timers = new Map<number, NodeJS.Timeout>();
  readonly #wake: () => void;
  readonly #horizonMs: number;
  #stopped = false;

  constructor(wake: () => void, horizonMs = 60_000) {
    this.#wake = wake;
    this.#horizonMs = horizonMs;
  }

  /** Wakes the workers at `instant` (and once more just after, in case the fetch raced the clock). */
  arm(instant: Date): void {
    const at = instant.getTime();
    const delay = at - Date.now();
    if (this.#stopped || this.#timers.has(at) || delay > this.#horizonMs) return;
    if (delay <= 0) {
      this.#wake();
      return;
    }
    const timer = setTimeout(() => {
      this.#wake();
      const again = setTimeout(() => {
        this.#timers.delete(at);
        this.#wake();
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
  }
}
