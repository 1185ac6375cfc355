import { BosunError, ValidationError } from '../../../errors.ts';
import type { HandlerRegistry } from '../../../handlers/registry.ts';

/**
 * How an NDScheduler job class (`simple_scheduler.jobs.shell_job.ShellJob`) names a bosun handler,
 * and how its positional `pub_args` become the handler's kwargs (docs/compatibility.md, seed 000).
 */

// NDScheduler's own sample jobs whose work a built-in handler does.
const SAMPLE_JOBS: Record<string, string> = { shelljob: 'command', curljob: 'http' };

// Letters and digits only, lower case: `CleanAPNsJob`, `clean-apns-job` and `clean_apns_job` meet.
const folded = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The handler a job class names: a handler of that exact name (`command`); else one named like
 * the class, its last dotted part (`AwesomeJob` → `awesome-job`), or that without a `Job` or
 * `Handler` suffix (`awesome`), letters compared without case or separators; else a built-in
 * handler standing for NDScheduler's sample `ShellJob` (command) or `CurlJob` (http).
 */
export function handlerOfJobClass(jobClass: string, registry: HandlerRegistry): string {
  const handlers = registry.list().map((h) => h.name);
  if (handlers.includes(jobClass)) return jobClass;
  const last = jobClass.slice(jobClass.lastIndexOf('.') + 1);
  for (const candidate of [folded(last), folded(last.replace(/(?:Job|Handler)$/, ''))]) {
    const found = handlers.find((h) => folded(h) === candidate);
    if (found !== undefined && candidate !== '') return found;
  }
  const sample = SAMPLE_JOBS[folded(last)];
  if (sample !== undefined && handlers.includes(sample)) return sample;
  throw new BosunError('unknown-handler', `no handler for job_class_string '${jobClass.slice(0, 200)}': none is named '${last.slice(0, 100)}' or '${last.replace(/(?:Job|Handler)$/, '').slice(0, 100)}' (GET /api/v1/handlers lists them)`, {
    field: 'job_class_string',
  });
}

/**
 * The kwargs of `pub_args` for `handler`: an object is the kwargs as they are; a list is the
 * argv of `command` (ShellJob's `*args`), `[url, request_type, timeout, data]` of `http`
 * (CurlJob's), and `{args: [...]}` for any other handler; none, or `[]`, is `{}`.
 */
export function kwargsOfPubArgs(handler: string, pubArgs: unknown): Record<string, unknown> {
  if (pubArgs === undefined || pubArgs === null) return {};
  if (typeof pubArgs === 'object' && !Array.isArray(pubArgs)) return pubArgs as Record<string, unknown>;
  if (!Array.isArray(pubArgs)) throw new ValidationError(`pub_args must be a list of arguments (or an object of kwargs), got ${JSON.stringify(pubArgs).slice(0, 100)}`, { field: 'pub_args' });
  if (pubArgs.length === 0) return {};
  if (handler === 'command') {
    if (!pubArgs.every((a) => typeof a === 'string' || typeof a === 'number')) {
      throw new ValidationError('pub_args of a shell job must be the program and its arguments, as text', { field: 'pub_args' });
    }
    return { command: pubArgs.map(String) };
  }
  if (handler === 'http') {
    if (pubArgs.length > 4) throw new ValidationError('pub_args of a curl job are at most [url, request_type, timeout, data]', { field: 'pub_args' });
    const [url, method, timeout, data] = pubArgs as unknown[];
    const kwargs: Record<string, unknown> = { url };
    if (method !== undefined && method !== null) kwargs.method = typeof method === 'string' ? method.toUpperCase() : method;
    if (timeout !== undefined && timeout !== null) kwargs.timeout = timeout;
    if (data !== undefined && data !== null) kwargs[typeof data === 'string' ? 'body' : 'json'] = data;
    return kwargs;
  }
  return { args: pubArgs };
}
