import { context, createContextKey, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { bosunTracer } from './tracer.ts';

/** W3C trace context (traceparent, tracestate) carried in a message's data. */
export type TraceCarrier = Record<string, string>;

/** The field of a fire message that carries the trace of its run (absent when tracing is off). */
export interface TracedMessageData {
  trace_context?: TraceCarrier;
}

/**
 * `data` with the active trace context (the run's enqueue span, or the attempt that failed)
 * added, so the worker that fetches the message continues that trace. bosun carries it itself
 * because pg-boss keeps the context it stores on a message to itself outside work(), and bosun
 * fetches with fetch(). Without an SDK the propagator is a no-op and `data` is returned as is.
 */
export function withTraceContext<T extends object>(data: T): T & TracedMessageData {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent === undefined ? data : { ...data, trace_context: carrier };
}

/**
 * Runs `fn` (claiming a fetched message, which starts its attempt) in a `process <queue>` span
 * that continues the trace carried in the message, as pg-boss's work() would; the run span and
 * the sends of a retry nest under it. A message without a trace context costs nothing.
 */
export function inMessageTrace<T>(queue: string, message: { id: string; data: TracedMessageData }, fn: () => Promise<T>): Promise<T> {
  const carrier = message.data.trace_context;
  if (carrier === undefined) return fn();
  // The parent is the message's trace, never the fetch loop's context.
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  const span = bosunTracer().startSpan(
    `process ${queue}`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'pg-boss', 'messaging.operation.type': 'process', 'messaging.destination.name': queue, 'messaging.message.id': message.id } },
    parent,
  );
  return context.with(trace.setSpan(parent, span), fn).finally(() => span.end());
}

// The SDK's suppress-tracing flag (@opentelemetry/core's suppressTracing), named through the API
// so that the SDK is not imported: context keys are Symbol.for(description).
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/**
 * Runs `fn` with no spans made: the fetch loop polls, and pg-boss's fetch() would export a
 * `receive` span for every poll, empty ones included, each a trace of its own.
 */
export function untraced<T>(fn: () => T): T {
  return context.with(context.active().setValue(SUPPRESS_TRACING, true), fn);
}
