// The CLI with tokens: --token and BOSUN_TOKEN are sent, a missing or wrong token
// exits 5, and a user's token sees only that user's jobs (others' are "not found", 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bosun, createJob, json, startService } from './cli-process.ts';

let url = '';
let alice = '';
let admin = '';

// Top level, not before(): after() hooks registered in a before() hook run when it ends.
const service = await startService();
url = service.url;
// Tokens are made straight in the database, as an operator would.
const tokenFor = async (args: string[]) => {
  const made = await bosun(url, ['tokens', 'create', ...args], { DATABASE_URL: service.databaseUrl });
  assert.equal(made.code, 0, made.stderr);
  return made.stdout.trim();
};
alice = await tokenFor(['--user', 'alice']);
const bob = await tokenFor(['--user', 'bob']);
admin = await tokenFor(['--user', 'root', '--admin']);
await createJob(url, { job_id: 'alice-job', handler: 'noop', periodically: '1 day' }, alice);
await createJob(url, { job_id: 'bob-job', handler: 'noop', periodically: '1 day' }, bob);

test('without a token, or with a wrong one, commands exit 5 with the service’s reason', async () => {
  // Tokens exist, so the loopback service now requires one (auth 'auto').
  let missing = await bosun(url, ['jobs', 'list']);
  for (let i = 0; i < 30 && missing.code !== 5; i++) {
    await new Promise((r) => setTimeout(r, 200)); // the service re-checks for tokens every 2 s
    missing = await bosun(url, ['jobs', 'list']);
  }
  assert.equal(missing.code, 5, missing.stdout + missing.stderr);
  assert.match(missing.stderr, /^bosun: authentication required.*\[HTTP 401\]\n$/);
  const wrong = await bosun(url, ['jobs', 'list', '--token', 'not-a-real-token']);
  assert.equal(wrong.code, 5, wrong.stderr);
  assert.equal(wrong.stdout, '');
});

test("a user's token sees that user's jobs only; --token and BOSUN_TOKEN both work", async () => {
  const viaFlag = await bosun(url, ['jobs', 'list', '--json', '--token', alice]);
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  assert.deepEqual(json<Array<{ job_id: string }>>(viaFlag).map((j) => j.job_id), ['alice-job']);
  const viaEnv = await bosun(url, ['jobs', 'list', '--json'], { BOSUN_TOKEN: alice });
  assert.deepEqual(json<Array<{ job_id: string }>>(viaEnv).map((j) => j.job_id), ['alice-job']);

  const others = await bosun(url, ['jobs', 'pause', 'bob-job'], { BOSUN_TOKEN: alice });
  assert.equal(others.code, 3, others.stderr);
  assert.match(others.stderr, /job 'bob-job' not found/);
  const deleting = await bosun(url, ['jobs', 'delete', 'bob-job', '--yes'], { BOSUN_TOKEN: alice });
  assert.equal(deleting.code, 3);

  const all = await bosun(url, ['jobs', 'list', '--json'], { BOSUN_TOKEN: admin });
  assert.deepEqual(json<Array<{ job_id: string; state: string }>>(all).map((j) => [j.job_id, j.state]), [
    ['alice-job', 'running'],
    ['bob-job', 'running'],
  ]);
});
