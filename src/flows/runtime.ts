import { BosunError } from '../errors.ts';
import type { FlowCatalog } from './flow-catalog.ts';
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

// The flows this process loaded, known before the database is even opened: handlers'
// validate() hooks (flow-scheduling's flow_name) check against it when a job is defined, and
// startup installs it before the default-job files are validated. `bosun validate` installs it too.
let catalog: FlowCatalog | undefined;

/** Makes `flows` the flows job definitions are checked against; returns the function that uninstalls it. */
export function installFlowCatalog(flows: FlowCatalog): () => void {
  catalog = flows;
  return () => {
    if (catalog === flows) catalog = undefined;
  };
}

/** The flows job definitions are checked against; undefined in a process that loaded none (then nothing is checked). */
export function knownFlowCatalog(): FlowCatalog | undefined {
  return catalog;
}
