import { readFile } from 'node:fs/promises';
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import type { Logger } from '../log.ts';
import { describeEndpoint, type TracingConfig } from './tracing-config.ts';

/** The OpenTelemetry SDK as bosun runs it: spans of bosun and pg-boss exported over OTLP. */
export interface Tracing {
  /** Exports what is buffered, then unregisters the SDK; idempotent, bounded by `timeoutMs`. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** bosun's version from package.json, for the service.version resource attribute. */
async function bosunVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
}

/**
 * Starts the OpenTelemetry SDK and registers it globally, which is also what makes pg-boss emit
 * its spans. The SDK is imported here, on demand, so a process without an OTLP endpoint never
 * loads it. OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the resource bosun sets, and
 * the exporter still reads OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION and the TLS files.
 */
/** `instance` becomes service.instance.id (host:pid, as on run rows). */
export async function startTracing(config: TracingConfig, instance: string, logger: Logger): Promise<Tracing> {
  const log = logger.child({ component: 'tracing' });
  const [{ TracerProvider, BatchSpanProcessor }, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, resources, { OTLPTraceExporter }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      config.protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
    ]);

  // Export failures reach the SDK's diag logger; without one they would vanish.
  diag.setLogger(
    {
      error: (message, ...args) => log.warn({ args }, `opentelemetry: ${message}`),
      warn: (message, ...args) => log.warn({ args }, `opentelemetry: ${message}`),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );

  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'bosun', 'service.version': await bosunVersion(), 'service.instance.id': instance }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.url }), scheduledDelayMillis: config.scheduleDelayMs })] });

  // Context travels through awaits (a run's spans nest under pg-boss's process span); only the
  // W3C trace context is propagated, so what pg-boss stores on each message is the traceparent.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  log.info({ endpoint: describeEndpoint(config.url), protocol: config.protocol }, 'exporting traces over OTLP');

  let done: Promise<void> | undefined;
  return {
    shutdown(timeoutMs = 5000) {
      done ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
        // A collector that is down must not hold shutdown for the exporter's own timeouts.
        const outcome = await Promise.race([provider.shutdown().then(() => 'flushed' as const), late]).catch((err: unknown) => {
          log.warn({ err }, 'could not export the last spans');
          return 'failed' as const;
        });
        clearTimeout(timer);
        if (outcome === 'late') log.warn({ timeout_ms: timeoutMs }, 'gave up exporting the last spans');
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      })();
      return done;
    },
  };
}
