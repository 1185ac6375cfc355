import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

test('defaults', () => {
  const c = loadConfig({}, '/srv/bosun');
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.dataDir, '/srv/bosun/.bosun/pg');
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 34000);
  assert.deepEqual([...c.roles].sort(), ['api', 'scheduler', 'worker']);
  assert.equal(c.auth, 'auto');
  assert.ok(Object.isFrozen(c));
});

const good: Array<[Record<string, string>, (c: ReturnType<typeof loadConfig>) => unknown, unknown]> = [
  [{ PORT: '8080' }, (c) => c.port, 8080],
  [{}, (c) => c.databaseWaitMs, 60_000],
  [{ BOSUN_DB_WAIT: '0' }, (c) => c.databaseWaitMs, 0],
  [{ BOSUN_DB_WAIT: '5' }, (c) => c.databaseWaitMs, 5000],
  [{ HOST: '0.0.0.0' }, (c) => c.host, '0.0.0.0'],
  [{ DATABASE_URL: 'postgresql://u:p@db/x' }, (c) => c.databaseUrl, 'postgresql://u:p@db/x'],
  [{ BOSUN_ROLES: 'worker, scheduler' }, (c) => [...c.roles].sort(), ['scheduler', 'worker']],
  [{ BOSUN_ROLES: 'ALL' }, (c) => c.roles.size, 3],
  [{ LOG_LEVEL: 'DEBUG' }, (c) => c.logLevel, 'debug'],
  [{ BOSUN_PRUNE_DEFAULT_JOBS: 'yes' }, (c) => c.pruneDefaultJobs, true],
  [{ BOSUN_SHUTDOWN_TIMEOUT: '5' }, (c) => c.shutdownTimeoutMs, 5000],
  [{ BOSUN_DATA_DIR: '/var/lib/bosun' }, (c) => c.dataDir, '/var/lib/bosun'],
  [{ BOSUN_PG_BIN_DIR: '/usr/lib/postgresql/15/bin' }, (c) => c.pgBinDir, '/usr/lib/postgresql/15/bin'],
  [{}, (c) => c.pgBinDir, undefined],
  [{}, (c) => c.functionsDir, '/srv/functions'],
  [{ BOSUN_FUNCTIONS_DIR: 'jobs/fns' }, (c) => c.functionsDir, '/srv/jobs/fns'],
  [{}, (c) => c.tracing, undefined],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' }, (c) => c.tracing?.url, 'http://otel:4318/v1/traces'],
];
for (const [env, pick, expected] of good) {
  test(`reads ${JSON.stringify(env)}`, () => assert.deepEqual(pick(loadConfig(env, '/srv')), expected));
}

const bad: Array<[Record<string, string>, string]> = [
  [{ PORT: 'eighty' }, 'PORT'],
  [{ PORT: '70000' }, 'PORT'],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  [{ BOSUN_DB_WAIT: 'a minute' }, 'BOSUN_DB_WAIT'],
  [{ BOSUN_DB_WAIT: '7200' }, 'BOSUN_DB_WAIT'],
  [{ BOSUN_ROLES: 'api,cook' }, 'BOSUN_ROLES'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ BOSUN_CONCURRENCY: '0' }, 'BOSUN_CONCURRENCY'],
  [{ BOSUN_AUTH: 'maybe' }, 'BOSUN_AUTH'],
  [{ BOSUN_BOSS_SCHEMA: 'x; drop table jobs' }, 'BOSUN_BOSS_SCHEMA'],
  [{ BOSUN_PRUNE_DEFAULT_JOBS: 'perhaps' }, 'BOSUN_PRUNE_DEFAULT_JOBS'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
];
for (const [env, variable] of bad) {
  test(`refuses ${JSON.stringify(env)} naming ${variable}`, () => {
    assert.throws(
      () => loadConfig(env, '/srv'),
      (err: unknown) => err instanceof ConfigError && err.field === variable && err.message.startsWith(`${variable}:`),
    );
  });
}
