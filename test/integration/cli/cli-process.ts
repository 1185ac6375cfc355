// Helpers for the CLI tests: a real bosun service as a child process, and the real
// `bosun` binary run against it as another child process.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createTestDatabase } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';

export const ROOT = new URL('../../..', import.meta.url).pathname;

/** What one `bosun …` invocation printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `node src/main.ts` on a fresh database and resolves with its base URL and database; stopped when the file ends. */
export async function startService(extraEnv: Record<string, string> = {}): Promise<{ url: string; databaseUrl: string }> {
  const databaseUrl = await createTestDatabase('bosun_cli');
  // No default jobs: the tests see only the jobs they create.
  const defaultJobsDir = await mkdtemp(join(tmpdir(), 'bosun-cli-jobs-'));
  const { BOSUN_TEST_DATABASE_URL: _ignored, ...rest } = process.env;
  const env = { ...rest, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', BOSUN_DEFAULT_JOBS_DIR: defaultJobsDir, ...extraEnv };
  const service = spawnLogged(process.execPath, ['src/main.ts'], env, ROOT);
  let stopping = false;
  void service.exited.then(({ code, signal }) => {
    if (!stopping) process.stderr.write(`bosun service exited unexpectedly (${code ?? signal}); its output ends with:\n${service.output().slice(-6000)}\n`);
  });
  after(async () => {
    stopping = true;
    if (service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    await rm(defaultJobsDir, { recursive: true, force: true });
  });
  const listening = await service.waitForLine((l) => l.msg === 'bosun API listening');
  return { url: String(listening.url), databaseUrl };
}

/** Runs `node src/cli/main.ts …args` with BOSUN_URL = url (unless env overrides it). */
export function bosun(url: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const { BOSUN_TOKEN: _token, ...rest } = process.env;
  const child = spawn(process.execPath, ['src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...rest, BOSUN_URL: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses a result's stdout as JSON, failing with what was printed when it is not. */
export function json<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** Creates a job through the API (as a user would with curl), answering the job. */
export async function createJob(url: string, definition: Record<string, unknown>, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/api/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(definition),
  });
  const body = (await response.json()) as { job?: Record<string, unknown> };
  if (response.status !== 201 || !body.job) throw new Error(`creating ${String(definition.job_id)}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body.job;
}
