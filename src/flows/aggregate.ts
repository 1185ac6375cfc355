import { ACTIVE_STEP_STATUSES, BAD_STEP_STATUSES, type FlowRunStatus, type StepStatus } from './flow.ts';

/**
 * The status of a flow run from its steps' statuses: `running` while work remains and nothing
 * failed, `various` while work remains but some step already failed (independent branches go
 * on; the run will end `failed`), then `failed` or `succeeded` once nothing is left to run.
 */
export function aggregateStatus(statuses: Iterable<StepStatus>): FlowRunStatus {
  let active = false;
  let bad = false;
  for (const s of statuses) {
    if (ACTIVE_STEP_STATUSES.includes(s)) active = true;
    else if (BAD_STEP_STATUSES.includes(s)) bad = true;
  }
  if (active) return bad ? 'various' : 'running';
  return bad ? 'failed' : 'succeeded';
}

/** The same rule from two facts: is any step still to run, and did any end badly. */
export function aggregateFlags(active: boolean, bad: boolean): FlowRunStatus {
  if (active) return bad ? 'various' : 'running';
  return bad ? 'failed' : 'succeeded';
}
