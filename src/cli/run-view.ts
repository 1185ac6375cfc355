// How a run reads on a terminal: its fields, then its log, then its result or error.
import type { ApiRun, ApiRunLogLine } from './api-shapes.ts';
import { renderFields } from './table.ts';
import { absolute, runDuration, when } from './time-text.ts';

/** The run's fields, log (unless `withLog` is false: it was shown as it came) and result as text for `runs show` and `jobs run --wait`. */
export function renderRun(run: ApiRun, { withLog = true }: { withLog?: boolean } = {}): string {
  let text = renderFields([
    ['run', run.run_id],
    ['job', run.job_id],
    ['status', run.status],
    ['trigger', run.trigger],
    ['attempt', run.attempt === undefined ? undefined : String(run.attempt)],
    ['scheduled for', when(run.scheduled_for)],
    ['started', absolute(run.started_at)],
    ['finished', absolute(run.finished_at)],
    ['duration', runDuration(run.started_at, run.finished_at)],
    ['host', run.host],
  ]);
  const log = run.log ?? [];
  if (withLog) {
    text += `\nlog (${log.length} line${log.length === 1 ? '' : 's'}):\n`;
    text += log.length ? log.map((line) => `  ${renderLogLine(line)}\n`).join('') : '  (empty)\n';
  }
  if (run.error) text += `\nerror:\n  ${run.error.replace(/\n/g, '\n  ')}\n`;
  if (run.result !== undefined && run.result !== null) text += `\nresult:\n  ${JSON.stringify(run.result, null, 2).replace(/\n/g, '\n  ')}\n`;
  return text;
}

/** One log line: `14:56:00.123Z info  message {"data":…}`. */
export function renderLogLine(line: ApiRunLogLine): string {
  const at = line.at ? new Date(line.at).toISOString().slice(11) : '';
  const data = line.data && Object.keys(line.data).length ? ` ${JSON.stringify(line.data)}` : '';
  return `${at} ${(line.level ?? '').padEnd(5)} ${line.msg ?? ''}${data}`.trim();
}
