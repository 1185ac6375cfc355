// `npm test`'s runner: one PostgreSQL for the whole run (DATABASE_URL when set, else an
// embedded server in a temporary folder), then node's own test runner over test/.
// Each test file makes its own database on that server (test/helpers/database.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';

const patterns = process.argv.slice(2);
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', false);
let url = process.env.DATABASE_URL;
let stop = async () => {};
if (!url) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bosun-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: 54400 + Math.floor(Math.random() * 500), logger, binDir: process.env.BOSUN_PG_BIN_DIR });
  url = server.url;
  stop = async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=3', '--test-timeout=180000', ...(patterns.length ? patterns : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'])],
  { stdio: 'inherit', env: { ...process.env, BOSUN_TEST_DATABASE_URL: url } },
);
// Interrupted (Ctrl-C, CI timeout): the test runner gets the signal too; the PostgreSQL we
// started runs in its own process group, so it is stopped here, not left behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    child.kill(signal);
    void stop().finally(() => process.exit(130));
  });
}
const code = await new Promise<number>((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await stop();
process.exit(code);
