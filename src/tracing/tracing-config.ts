import { ConfigError } from '../errors.ts';

/** OTLP wire formats bosun can export traces in (gRPC is not bundled). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Where traces go, from the standard OpenTelemetry variables; absent = tracing off. */
export interface TracingConfig {
  /** Full URL spans are POSTed to (…/v1/traces). */
  url: string;
  protocol: OtlpProtocol;
  /** How long finished spans are batched before export (OTEL_BSP_SCHEDULE_DELAY, default 5000). */
  scheduleDelayMs: number;
}

type Env = Record<string, string | undefined>;

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function httpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `expected an http:// or https:// URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, `expected an http:// or https:// URL, got '${url.protocol}'`);
  return url;
}

/**
 * Reads the OpenTelemetry SDK's own variables, so a deployment configures bosun like any other
 * OTel service: tracing is on when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT
 * is set, unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
 */
export function tracingConfig(env: Env): TracingConfig | undefined {
  const disabled = value(env, 'OTEL_SDK_DISABLED')?.toLowerCase();
  if (disabled === 'true') return undefined;
  const exporter = value(env, 'OTEL_TRACES_EXPORTER')?.toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter !== undefined && exporter !== 'otlp') throw new ConfigError('OTEL_TRACES_EXPORTER', `bosun exports traces over OTLP only: expected otlp or none, got '${exporter}'`);

  const specific = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  let url: string;
  // As the OTLP spec says: the signal-specific URL is used as is, the base one gets /v1/traces.
  if (specific !== undefined) url = httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific).toString();
  else if (base !== undefined) url = new URL('v1/traces', httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base.endsWith('/') ? base : `${base}/`)).toString();
  else return undefined;

  const protocolVariable = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = (value(env, protocolVariable) ?? 'http/protobuf').toLowerCase();
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ConfigError(protocolVariable, `expected ${PROTOCOLS.join(' or ')} (gRPC is not supported; point bosun at the collector's OTLP/HTTP port, usually 4318), got '${protocol}'`);
  }
  const delay = value(env, 'OTEL_BSP_SCHEDULE_DELAY') ?? '5000';
  if (!/^\d+$/.test(delay) || Number(delay) > 3_600_000) throw new ConfigError('OTEL_BSP_SCHEDULE_DELAY', `expected milliseconds from 0 to 3600000, got '${delay}'`);
  return Object.freeze({ url, protocol: protocol as OtlpProtocol, scheduleDelayMs: Number(delay) });
}

/** The export URL without credentials or query, for logs. */
export function describeEndpoint(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
