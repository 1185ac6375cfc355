// The typed client's types are generated from openapi.yaml and committed: this fails as soon as
// the two disagree, so a spec change cannot ship with a client that does not know it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = 'scripts/generate-client.ts';

async function check(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [script, '--check', ...args]);
    return { code: 0, stderr: '' };
  } catch (err) {
    const failed = err as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

test('src/client/openapi-types.ts is what openapi.yaml generates', async () => {
  const result = await check();
  assert.equal(result.code, 0, `${result.stderr}run \`npm run openapi:client\` and commit src/client/openapi-types.ts`);
});

test('a changed spec no longer matches the committed types', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-client-drift-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const spec = await readFile('openapi.yaml', 'utf8');
  const anchor = '    Problem:\n      type: object\n      description: RFC 9457 problem details.\n';
  assert.ok(spec.includes(anchor), 'the Problem schema moved; update this test');
  const drifted = join(dir, 'openapi.yaml');
  await writeFile(drifted, spec.replace(anchor, anchor.replace('RFC 9457 problem details.', 'RFC 9457 problem details, drifted.')));
  const result = await check('--spec', drifted);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /does not match/);
});
