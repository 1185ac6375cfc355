import { BosunError } from '../errors.ts';
import type { FlowCommands } from './flow-commands.ts';

// Handlers are constructed with no arguments (`new Handler()`), so the flow-scheduling handlers
// reach this process's flows through this one holder, installed at startup. The API's flow
// routes read it too, so both always see the same flows.
let current: FlowCommands | undefined;

/** Makes `commands` this process's flows; returns the function that uninstalls them. */
export function installFlows(commands: FlowCommands): () => void {
  current = commands;
  return () => {
    if (current === commands) current = undefined;
  };
}

/** This process's flows; 'unavailable' when none were installed (flows are started with the service). */
export function installedFlows(): FlowCommands {
  if (!current) throw new BosunError('unavailable', 'flows are not running in this bosun process (they start with the service; see docs/flows.md)');
  return current;
}
