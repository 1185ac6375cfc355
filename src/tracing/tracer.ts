import { trace, type Tracer } from '@opentelemetry/api';

/** Instrumentation scope of bosun's own spans (pg-boss's are under `pg-boss`). */
export const TRACER_NAME = 'bosun';

/** bosun's tracer; a no-op until src/tracing/tracing.ts registers the SDK. */
export function bosunTracer(): Tracer {
  // Looked up on each use: the global provider's proxy makes an early tracer work too, but this
  // keeps the module free of state.
  return trace.getTracer(TRACER_NAME);
}
