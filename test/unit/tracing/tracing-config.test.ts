import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEndpoint, tracingConfig } from '../../../src/tracing/tracing-config.ts';
import { ConfigError } from '../../../src/errors.ts';

const off: Array<Record<string, string>> = [
  {},
  { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' },
  { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
  { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'TRUE' },
  { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' },
];
for (const env of off) test(`off for ${JSON.stringify(env)}`, () => assert.equal(tracingConfig(env), undefined));

const on: Array<[Record<string, string>, { url: string; protocol: string; scheduleDelayMs: number }]> = [
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, { url: 'http://c:4318/v1/traces', protocol: 'http/protobuf', scheduleDelayMs: 5000 }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c/otlp/' }, { url: 'https://c/otlp/v1/traces', protocol: 'http/protobuf', scheduleDelayMs: 5000 }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'HTTP/JSON' }, { url: 'http://c:4318/v1/traces', protocol: 'http/json', scheduleDelayMs: 5000 }],
  [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:9/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, { url: 'http://t:9/custom', protocol: 'http/protobuf', scheduleDelayMs: 5000 }],
  [
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
    { url: 'http://c:4318/v1/traces', protocol: 'http/json', scheduleDelayMs: 5000 },
  ],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'OTLP', OTEL_BSP_SCHEDULE_DELAY: '200' }, { url: 'http://c:4318/v1/traces', protocol: 'http/protobuf', scheduleDelayMs: 200 }],
];
for (const [env, expected] of on) test(`on for ${JSON.stringify(env)}`, () => assert.deepEqual({ ...tracingConfig(env) }, expected));

const bad: Array<[Record<string, string>, string]> = [
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
  [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_BSP_SCHEDULE_DELAY: '1s' }, 'OTEL_BSP_SCHEDULE_DELAY'],
];
for (const [env, variable] of bad) {
  test(`refuses ${JSON.stringify(env)} naming ${variable}`, () => {
    assert.throws(() => tracingConfig(env), (err: unknown) => err instanceof ConfigError && err.field === variable && err.message.startsWith(`${variable}:`));
  });
}

test('the endpoint in logs has no credentials or query', () => {
  assert.equal(describeEndpoint('https://user:secret@c:4318/v1/traces?key=k'), 'https://c:4318/v1/traces');
});
