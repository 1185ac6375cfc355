// The real service as a child process exporting traces over OTLP/HTTP (JSON) to a receiver in this
// test: each run is one trace from enqueue to finish, with bosun's run spans nested in the process
// span of their message (whose trace it carries from its send), retries in the same trace, every run in a trace of its own. Without an
// endpoint no OpenTelemetry SDK module is even loaded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { migratedDatabase } from '../../helpers/database.ts';
import { spawnLogged, type Spawned } from '../../helpers/process.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  scope: string;
  status: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
}

type OtlpAttribute = { key: string; value: Record<string, unknown> };

function attributeValue(value: Record<string, unknown>): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  return JSON.stringify(value);
}
const attributes = (list: OtlpAttribute[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, attributeValue(a.value)]));

/** A minimal OTLP/HTTP collector: accepts JSON on POST /v1/traces and keeps every span. */
async function startReceiver() {
  const spans: ReceivedSpan[] = [];
  const requests: Array<{ path: string; contentType: string; bytes: number }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      requests.push({ path: req.url ?? '', contentType, bytes: body.length });
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      if (!contentType.startsWith('application/json')) {
        // Protobuf: counted, not decoded (that would need a protobuf library in the test).
        res.writeHead(200, { 'content-type': contentType }).end();
        return;
      }
      const payload = JSON.parse(body.toString()) as { resourceSpans?: any[] };
      for (const rs of payload.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              scope: ss.scope?.name ?? '',
              status: s.status?.code ?? 0,
              attributes: attributes(s.attributes),
              resource,
              links: (s.links ?? []).map((l: any) => ({ traceId: l.traceId, spanId: l.spanId })),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { spans, requests, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

// Prints one JSON line for every OpenTelemetry module other than the API that the process resolves.
const PROBE = `data:text/javascript,${encodeURIComponent(
  `import { registerHooks } from 'node:module';
registerHooks({ resolve(specifier, context, next) {
  const r = next(specifier, context);
  if (/@opentelemetry\\/(?!api\\/)/.test(r.url)) process.stdout.write(JSON.stringify({ probe: 'otel-module', url: r.url }) + '\\n');
  return r;
} });`,
)}`;

async function startBosun(extraEnv: Record<string, string>): Promise<{ app: Spawned; base: string }> {
  const database = await migratedDatabase();
  after(() => database.close());
  const { DATABASE_URL: _a, BOSUN_TEST_DATABASE_URL: _b, ...rest } = process.env;
  for (const name of Object.keys(rest)) if (name.startsWith('OTEL_')) delete rest[name];
  const app = spawnLogged(process.execPath, ['--import', PROBE, 'src/main.ts'], {
    ...rest,
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    BOSUN_DEFAULT_JOBS_DIR: mkdtempSync(join(tmpdir(), 'bosun-tracing-')),
    BOSUN_SHUTDOWN_TIMEOUT: '2',
    ...extraEnv,
  }, ROOT);
  after(() => {
    try {
      process.kill(-app.child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  const listening = await app.waitForLine((l) => l.msg === 'bosun API listening');
  return { app, base: String(listening.url) };
}

function client(base: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as any };
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('each run is one trace from enqueue to finish, joined with pg-boss send spans, exported over OTLP/HTTP JSON', async () => {
  const receiver = await startReceiver();
  after(() => receiver.close());
  const { app, base } = await startBosun({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
  });
  const call = client(base);
  await app.waitForLine((l) => l.msg === 'exporting traces over OTLP');

  // A scheduled one-shot whose first attempt fails and whose retry succeeds.
  const markerDir = mkdtempSync(join(tmpdir(), 'bosun-tracing-marker-'));
  // As root, commands run as an unprivileged user, who must be able to create the marker.
  chmodSync(markerDir, 0o777);
  const marker = join(markerDir, 'tried');
  const due = new Date(Date.now() + 1500).toISOString();
  const created = await call('POST', '/api/v1/jobs', {
    job_id: 'flaky',
    handler: 'command',
    kwargs: { command: `test -f ${marker} || { touch ${marker}; exit 3; }` },
    dates: [due],
    retries: 1,
    retry_delay: 0,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  // Two run-now runs of another job: two more runs, two more traces.
  assert.equal((await call('POST', '/api/v1/jobs', { job_id: 'steady', handler: 'command', kwargs: { command: 'true' }, periodically: '1 day', when: '2099-01-01T00:00:00Z', state: 'paused' })).status, 201);
  const manual: string[] = [];
  for (let i = 0; i < 2; i++) manual.push((await call('POST', '/api/v1/jobs/steady/run')).json.run.run_id);

  const flakyRun = await until('the flaky run to succeed', async () => {
    const runs = (await call('GET', '/api/v1/runs?job_id=flaky')).json.runs as any[] | undefined;
    return runs?.find((r) => r.status === 'succeeded');
  });
  assert.equal(flakyRun.attempt, 2);
  for (const runId of manual) await until(`run ${runId}`, async () => ((await call('GET', `/api/v1/runs/${runId}`)).json.run?.status === 'succeeded' ? true : undefined));

  // Exported while running (200 ms batches), not only at shutdown.
  const runSpans = (runId: string) => receiver.spans.filter((s) => s.scope === 'bosun' && s.name === 'run command' && s.attributes.run_id === runId);
  await until('the flaky run spans', () => (runSpans(flakyRun.run_id).length === 2 ? true : undefined), 10_000);
  for (const runId of manual) await until(`spans of ${runId}`, () => (runSpans(runId).length === 1 ? true : undefined), 10_000);

  app.child.kill('SIGTERM');
  await app.waitForLine((l) => l.msg === 'stopped', 30_000);
  assert.equal((await app.exited).code, 0);
  assert.ok(receiver.requests.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json')), JSON.stringify(receiver.requests));

  // The flaky run: both attempts, with job_id, run_id and status, in one trace.
  const attempts = runSpans(flakyRun.run_id).sort((a, b) => Number(a.attributes.attempt) - Number(b.attributes.attempt));
  assert.deepEqual(attempts.map((s) => [s.attributes.job_id, s.attributes.attempt, s.attributes.status, s.attributes.trigger]), [
    ['flaky', 1, 'failed', 'schedule'],
    ['flaky', 2, 'succeeded', 'schedule'],
  ]);
  assert.equal(attempts[0]!.status, 2, 'a failed attempt has status ERROR');
  assert.equal(attempts[0]!.attributes.retrying, true);
  assert.equal(attempts[1]!.status, 0);
  const traceId = attempts[0]!.traceId;
  assert.equal(attempts[1]!.traceId, traceId, 'the retry continues the run trace');
  assert.equal(attempts[0]!.resource['service.name'], 'bosun');
  assert.equal(attempts[0]!.resource['deployment.environment.name'], 'test');

  // From enqueue: the root is bosun's enqueue span of the occurrence, made when the job was created.
  const trace = receiver.spans.filter((s) => s.traceId === traceId);
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const roots = trace.filter((s) => !byId.has(s.parentSpanId));
  assert.deepEqual(roots.map((s) => [s.scope, s.name, s.parentSpanId, s.attributes.job_id]), [['bosun', 'enqueue run', '', 'flaky']]);
  // pg-boss's send span of the retry is in it (the occurrence's message was written by the
  // create's own statement, not pg-boss's send), and bosun's process span of each fetched message
  // continues the trace carried in it; each run span nests in the process span of its message.
  const sends = trace.filter((s) => s.scope === 'pg-boss' && s.name === 'send bosun-fire');
  assert.equal(sends.length, 1, trace.map((s) => s.name).join(', '));
  const processes = trace.filter((s) => s.name === 'process bosun-fire');
  assert.deepEqual(processes.map((s) => s.scope), ['bosun', 'bosun']);
  for (const attempt of attempts) assert.equal(byId.get(attempt.parentSpanId)?.name, 'process bosun-fire');
  // The first attempt's message was written at enqueue; the retry's sent by the failed attempt,
  // under whose process span both its send and its own process span are.
  const processOf = (s: ReceivedSpan) => byId.get(s.parentSpanId)!;
  assert.equal(processOf(attempts[0]!).parentSpanId, roots[0]!.spanId);
  assert.deepEqual(sends.map((s) => byId.get(s.parentSpanId)?.spanId), [processOf(attempts[0]!).spanId]);
  assert.equal(processOf(attempts[1]!).parentSpanId, processOf(attempts[0]!).spanId);
  // The fetch loop's polls make no spans (pg-boss's fetch() would make a `receive` span per poll).
  assert.deepEqual(receiver.spans.filter((s) => s.name.startsWith('receive ')).map((s) => s.name), []);

  // Every run is a trace of its own: the two run-now runs and the flaky run do not share one.
  const manualTraces = manual.map((id) => runSpans(id)[0]!.traceId);
  assert.equal(new Set([traceId, ...manualTraces]).size, 3);
  for (const [i, t] of manualTraces.entries()) {
    const enqueue = receiver.spans.find((s) => s.traceId === t && s.name === 'enqueue run');
    assert.equal(enqueue?.attributes.run_id, manual[i], 'a run-now trace starts at its enqueue');
  }

  const loaded = app.lines.filter((l) => l.probe === 'otel-module').map((l) => String(l.url));
  assert.ok(loaded.some((u) => u.includes('@opentelemetry/sdk-trace/')), 'the SDK was loaded');
});

test('without an OTLP endpoint no OpenTelemetry SDK module is loaded, and runs still work', async () => {
  const { app, base } = await startBosun({});
  const call = client(base);
  assert.equal((await call('POST', '/api/v1/jobs', { job_id: 'plain', handler: 'command', kwargs: { command: 'true' }, periodically: '1 day', when: '2099-01-01T00:00:00Z', state: 'paused' })).status, 201);
  const runId = (await call('POST', '/api/v1/jobs/plain/run')).json.run.run_id as string;
  await app.waitForLine((l) => l.msg === 'run ended' && l.run_id === runId, 20_000);
  app.child.kill('SIGTERM');
  await app.waitForLine((l) => l.msg === 'stopped', 30_000);
  const loaded = app.lines.filter((l) => l.probe === 'otel-module').map((l) => String(l.url));
  assert.deepEqual(loaded, [], `OpenTelemetry SDK modules were loaded:\n${loaded.join('\n')}`);
  assert.ok(!app.lines.some((l) => l.msg === 'exporting traces over OTLP'));
});

test('by default (http/protobuf) spans are posted as protobuf to the base endpoint + /v1/traces', async () => {
  const receiver = await startReceiver();
  after(() => receiver.close());
  const { app, base } = await startBosun({ OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`, OTEL_BSP_SCHEDULE_DELAY: '100' });
  const call = client(base);
  assert.equal((await call('POST', '/api/v1/jobs', { job_id: 'proto', handler: 'noop', periodically: '1 day', when: '2099-01-01T00:00:00Z', state: 'paused' })).status, 201);
  const runId = (await call('POST', '/api/v1/jobs/proto/run')).json.run.run_id as string;
  await app.waitForLine((l) => l.msg === 'run ended' && l.run_id === runId, 20_000);
  await until('a protobuf export', () => (receiver.requests.some((r) => r.bytes > 0) ? true : undefined), 10_000);
  app.child.kill('SIGTERM');
  await app.waitForLine((l) => l.msg === 'stopped', 30_000);
  assert.ok(receiver.requests.length > 0);
  for (const r of receiver.requests) assert.deepEqual([r.path, r.contentType], ['/v1/traces', 'application/x-protobuf']);
  assert.ok(!app.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('opentelemetry:')), 'no export errors were logged');
});

test('a collector that is down costs warnings, not runs, and does not hold shutdown', async () => {
  const gone = await startReceiver();
  await gone.close();
  const { app, base } = await startBosun({ OTEL_EXPORTER_OTLP_ENDPOINT: gone.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' });
  const call = client(base);
  assert.equal((await call('POST', '/api/v1/jobs', { job_id: 'lonely', handler: 'noop', periodically: '1 day', when: '2099-01-01T00:00:00Z', state: 'paused' })).status, 201);
  const runId = (await call('POST', '/api/v1/jobs/lonely/run')).json.run.run_id as string;
  const ended = await app.waitForLine((l) => l.msg === 'run ended' && l.run_id === runId, 20_000);
  assert.equal(ended.status, 'succeeded');
  const stopping = Date.now();
  app.child.kill('SIGTERM');
  await app.waitForLine((l) => l.msg === 'stopped', 30_000);
  assert.equal((await app.exited).code, 0);
  assert.ok(Date.now() - stopping < 12_000, `shutdown took ${Date.now() - stopping} ms`);
  const warnings = app.lines.filter((l) => l.component === 'tracing' && l.level === 40);
  assert.ok(warnings.length > 0, `expected export warnings; got:\n${app.output().slice(-3000)}`);
});
