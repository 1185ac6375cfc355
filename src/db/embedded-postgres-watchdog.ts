// Stops the embedded PostgreSQL when bosun dies without stopping it (kill -9, out of memory, a
// crash): a tiny shell process, in a session of its own so a terminal's signals pass it by, holds
// a pipe from bosun on its stdin. The kernel closes bosun's end when bosun dies, whatever the
// cause; on that end of file the watchdog asks the postmaster for a fast shutdown (SIGINT), and
// for an immediate one (SIGQUIT) if it is still there after the grace period. A line on the pipe
// disarms it: bosun stopped PostgreSQL itself.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../log.ts';

/** Seconds between the fast shutdown request and the immediate one; well within the 10 s promised. */
const GRACE_SECONDS = 6;

// $1 the postmaster's pid, $2 its data folder. The pid is signalled only while /proc says it is
// still a process running with that data folder, so a pid reused by another program is left alone.
const SCRIPT = `
if IFS= read -r _; then exit 0; fi
ours() { [ -r "/proc/$1/cmdline" ] && tr '\\0' '\\n' < "/proc/$1/cmdline" | grep -qxF -- "$2"; }
ours "$1" "$2" || exit 0
kill -INT "$1" 2>/dev/null
i=0
while [ "$i" -lt ${GRACE_SECONDS * 10} ] && ours "$1" "$2"; do sleep 0.1; i=$((i + 1)); done
ours "$1" "$2" && kill -QUIT "$1" 2>/dev/null
exit 0
`;

export interface Watchdog {
  /** Tells the watchdog PostgreSQL is stopped (or being stopped) by bosun; idempotent. */
  disarm(): void;
}

/**
 * Starts the watchdog of the postmaster `pid` serving `dataDir`, as the user PostgreSQL runs as
 * (the least it needs to signal it). It does not keep bosun's event loop alive.
 */
export function startWatchdog(pid: number, dataDir: string, ids: { uid?: number; gid?: number }, log: Logger): Watchdog {
  const child: ChildProcess = spawn('/bin/sh', ['-c', SCRIPT, 'bosun-pg-watchdog', String(pid), dataDir], {
    ...ids,
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.once('error', (err) => log.error({ err }, 'the embedded PostgreSQL watchdog failed to start; PostgreSQL outlives bosun if it is killed'));
  // Writing to a watchdog that already exited must not crash bosun.
  child.stdin?.on('error', () => {});
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  let disarmed = false;
  return {
    disarm() {
      if (disarmed) return;
      disarmed = true;
      child.stdin?.end('stopped\n');
    },
  };
}
