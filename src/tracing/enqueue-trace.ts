import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Link } from '@opentelemetry/api';
import { bosunTracer } from './tracer.ts';

/**
 * Runs `send` (a pg-boss send of a message that starts a run) as the first span of a new trace,
 * so each run is one trace from enqueue to finish. pg-boss's send span (when it sends) nests under it, and the
 * message carries its context (withTraceContext) to the worker's process span and run spans.
 * Whatever was active (the run whose end queued this one, a handler starting a job) is linked,
 * not made the parent: that would chain every run of a job into one endless trace.
 */
export async function inNewRunTrace<T>(attributes: Attributes, send: () => Promise<T>): Promise<T> {
  const cause = trace.getSpanContext(context.active());
  const links: Link[] = cause && trace.isSpanContextValid(cause) ? [{ context: cause }] : [];
  const span = bosunTracer().startSpan('enqueue run', { kind: SpanKind.INTERNAL, attributes, links, root: true });
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, span), send);
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs `send` of a run's next attempt in the trace of the attempt that failed (the active one),
 * or in a new trace when nothing is active (the reaper retrying a run whose worker died).
 */
export function inRunTrace<T>(attributes: Attributes, send: () => Promise<T>): Promise<T> {
  const active = trace.getSpanContext(context.active());
  return active && trace.isSpanContextValid(active) ? send() : inNewRunTrace(attributes, send);
}
