// pg-pool's end() resolves as soon as it has asked each idle client to end, not once their
// sockets are closed. A PostgreSQL stopped right after (the embedded one, last in bosun's stop)
// would then terminate those connections "due to administrator command", and each would be
// reported as a lost connection. This waits for the clients themselves.
import type pg from 'pg';

/** How long a stop waits for a pool's connections to close before going on. */
const DRAIN_TIMEOUT_MS = 2000;

export interface PoolClients {
  /** True once closing began: a connection dropping from then on is expected, not a fault. */
  readonly closing: boolean;
  /** Marks the pool as closing; resolves once every client it opened has closed (or after a bound). */
  drained(): Promise<void>;
}

/** Tracks the clients of `pool` from now on; call before it opens any. */
export function trackPoolClients(pool: pg.Pool): PoolClients {
  const open = new Set<unknown>();
  let closing = false;
  let onEmpty: (() => void) | undefined;
  pool.on('connect', (client) => open.add(client));
  pool.on('remove', (client) => {
    open.delete(client);
    if (open.size === 0) onEmpty?.();
  });
  return {
    get closing() {
      return closing;
    },
    drained() {
      closing = true;
      if (open.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
        timer.unref();
        onEmpty = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}
