import { findFlowRun } from './repository.ts';
import type { FlowDb, FlowRunRow } from './schema.ts';

const CAPACITY = 1000;

/**
 * The flow runs whose steps this process runs, read once each. Only the fields a run never changes
 * are used from it (flow_name, arguments, job_id, owner): a wide run's steps do not each read the
 * run's row again. The oldest entry goes when the cache is full.
 */
export function runCache(db: FlowDb): { get(flowRunId: string): Promise<FlowRunRow> } {
  const cache = new Map<string, FlowRunRow>();
  return {
    async get(flowRunId) {
      const hit = cache.get(flowRunId);
      if (hit) return hit;
      const run = await findFlowRun(db, flowRunId);
      if (!run) throw new Error(`flow run ${flowRunId} vanished while its step was claimed`);
      if (cache.size >= CAPACITY) cache.delete(cache.keys().next().value!);
      cache.set(flowRunId, run);
      return run;
    },
  };
}
