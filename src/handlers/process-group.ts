import type { ChildProcess } from 'node:child_process';

/** Signals a whole process group (the child was spawned detached, so its pid is the group id). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * SIGTERM to the group, then SIGKILL after `graceMs` for whatever ignored it: a shell's
 * grandchildren included, which killing the direct child alone would leave running.
 */
export function terminateGroup(child: ChildProcess, graceMs: number): void {
  signalGroup(child, 'SIGTERM');
  setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs).unref();
}
