import type { HandlerRegistry } from '../handlers/registry.ts';
import type { Logger } from '../log.ts';
import { declareFlow } from './declare-flow.ts';
import { flowCatalog, type FlowCatalog } from './flow-catalog.ts';
import type { FlowDefinition } from './flow.ts';
import { flowDefinitionsFingerprint, listFlowDefinitions } from './definitions-store.ts';
import type { FlowDb, FlowDefinitionRow } from './schema.ts';

/** The file-defined flows and the API-defined ones, kept in step with the flows table. */
export interface LiveFlowCatalog extends FlowCatalog {
  /** Reads the flows table again when any flow in it changed since the last read (one cheap query otherwise). */
  refresh(): Promise<void>;
}

/**
 * A catalog over `files` and the flows table. Reads stay synchronous (job validation and the
 * permission check read flows while a job is defined); `refresh()` brings the table's flows in.
 * Every instance refreshes on a timer and before it starts a flow run or answers /flows, so a
 * flow written on one instance is seen by all without a restart. A file-defined flow wins over a
 * stored one of the same name (a file added later, then a restart); a stored flow that no longer
 * declares (a handler turned off since) is left out; both are logged.
 */
export function liveFlowCatalog(files: FlowCatalog, db: FlowDb, registry: HandlerRegistry, logger: Logger): LiveFlowCatalog {
  const log = logger.child({ component: 'flows' });
  let current = files;
  let fingerprint: string | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  const declared = (row: FlowDefinitionRow): FlowDefinition | undefined => {
    if (files.has(row.name)) {
      log.warn({ flow_name: row.name, file: files.get(row.name).file }, 'an API-defined flow is shadowed by a flow file of the same name');
      return undefined;
    }
    const { flow, problems } = declareFlow(row.definition, null, registry);
    if (!flow) {
      log.warn({ flow_name: row.name, problems: problems.map((p) => `${p.field}: ${p.message}`) }, 'an API-defined flow no longer declares; it is left out');
      return undefined;
    }
    return { ...flow, name: row.name, owner: row.owner, updated_at: row.updated_at };
  };

  const reload = async () => {
    const now = await flowDefinitionsFingerprint(db);
    if (now === fingerprint) return;
    const stored = (await listFlowDefinitions(db)).flatMap((row) => declared(row) ?? []);
    current = flowCatalog([...files.list(), ...stored]);
    fingerprint = now;
  };

  return {
    get: (name) => current.get(name),
    has: (name) => current.has(name),
    list: () => current.list(),
    refresh() {
      // A read already under way may have missed a write the caller just made: callers join the
      // next read that starts after them, never one in flight.
      const start = () => {
        running = reload().finally(() => {
          running = undefined;
        });
        return running;
      };
      if (queued) return queued;
      if (!running) return start();
      queued = running
        .catch(() => undefined)
        .then(() => {
          queued = undefined;
          return start();
        });
      return queued;
    },
  };
}
