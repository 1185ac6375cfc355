import type { AuditEntry } from '../../../audit/audit-entry.ts';
import type { Job } from '../../../jobs/job.ts';
import type { Run, RunStatus } from '../../../runs/run.ts';
import { redactValue } from '../../../redaction/redact-value.ts';
import { isoOrNull as iso } from '../../../time/iso-instant.ts';

/**
 * bosun's jobs, runs and audit entries in NDScheduler's field names (its handlers' README): a
 * job as its `GET /jobs/{id}` answers it, a run as an execution, an entry as an audit log.
 * Kwargs are redacted as bosun's own views show them.
 */

/** A job the NDScheduler way: its handler as `job_class_string`, its kwargs as `pub_args`, its schedule as a trigger. */
export function ndschedulerJobView(job: Job): Record<string, unknown> {
  const kwargs = redactValue(job.kwargs) as Record<string, unknown>;
  return {
    job_id: job.job_id,
    name: job.name ?? job.job_id,
    job_class_string: job.handler,
    pub_args: Array.isArray(kwargs.args) ? kwargs.args : job.handler === 'command' && Array.isArray(kwargs.command) ? kwargs.command : kwargs,
    ...trigger(job.schedule),
    next_run_time: iso(job.next_run_at) ?? '',
  };
}

function trigger(schedule: Job['schedule']): { trigger: string; trigger_params: Record<string, unknown> } {
  if (schedule.kind === 'interval') return { trigger: 'interval', trigger_params: { interval: schedule.everyMs / 1000 } };
  if (schedule.kind !== 'cron') return { trigger: 'unknown', trigger_params: {} };
  const fields = schedule.expression.split(/\s+/);
  const [second, rest] = fields.length === 6 ? [fields[0], fields.slice(1)] : [undefined, fields];
  const [minute, hour, day, month, day_of_week] = rest;
  return { trigger: 'cron', trigger_params: { ...(second === undefined ? {} : { second }), minute, hour, day, month, day_of_week } };
}

// NDScheduler's execution states (its corescheduler/constants.py) for bosun's run statuses.
const STATES: Record<RunStatus, string> = {
  scheduled: 'scheduled',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timeout',
  cancelled: 'stopped',
  misfired: 'scheduled error',
  skipped: 'scheduled error',
};

/** A run as an NDScheduler execution, with bosun's own status and trigger beside; `result` is the return value or the error. */
export function executionView(run: Pick<Run, 'run_id' | 'status' | 'trigger' | 'host' | 'error' | 'result' | 'scheduled_for' | 'started_at' | 'finished_at' | 'created_at'>, job: Job): Record<string, unknown> {
  return {
    execution_id: run.run_id,
    job: ndschedulerJobView(job),
    state: STATES[run.status],
    status: run.status,
    trigger: run.trigger,
    hostname: run.host ?? '',
    pid: -1,
    task_id: '',
    description: run.error ?? '',
    result: run.error ?? run.result ?? null,
    scheduled_time: iso(run.scheduled_for),
    updated_time: iso(run.finished_at ?? run.started_at ?? run.created_at),
  };
}

// NDScheduler's audit events (its corescheduler/constants.py) for bosun's actions; others keep bosun's name.
const EVENTS: Partial<Record<AuditEntry['action'], string>> = { created: 'added', ran_now: 'custom_run' };

/** An audit entry as an NDScheduler audit log; `job_name` is the job's name now, or as it was when deleted. */
export function auditLogView(entry: AuditEntry, jobName: string | null): Record<string, unknown> {
  const definition = entry.detail.definition as { name?: unknown } | undefined;
  const description = entry.action === 'ran_now' ? entry.run_id : entry.action === 'modified' ? JSON.stringify(entry.detail.diff ?? {}) : '';
  return {
    created_time: iso(entry.at),
    event: EVENTS[entry.action] ?? entry.action,
    job_id: entry.job_id ?? '',
    job_name: jobName ?? (typeof definition?.name === 'string' ? definition.name : (entry.job_id ?? '')),
    user: entry.actor,
    description: description ?? '',
    audit_id: entry.audit_id,
  };
}
