// openapi.yaml is what clients are generated from: Redocly's linter (its recommended rules,
// redocly.yaml, with the exceptions of .redocly.lint-ignore.yaml) must find nothing in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REDOCLY = 'node_modules/@redocly/cli/bin/cli.js';

interface Problem {
  ruleId: string;
  severity: string;
  message: string;
  location: Array<{ pointer: string }>;
}

async function lint(file: string, cwd: string = process.cwd()): Promise<Problem[]> {
  // Exit code 1 when there are errors; the JSON report is on stdout either way.
  const result = await run(process.execPath, [join(process.cwd(), REDOCLY), 'lint', file, '--format', 'json'], { cwd, maxBuffer: 16 * 1024 * 1024 }).catch(
    (err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
  );
  assert.ok(result.stdout.trim().startsWith('{'), `redocly printed no report: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { problems: Problem[] }).problems.filter((p) => p.severity !== 'off' && (p as { ignored?: boolean }).ignored !== true);
}

const describe = (problems: Problem[]) => problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`).join('\n');

test('Redocly finds no error and no warning in openapi.yaml', async () => {
  const problems = await lint('openapi.yaml');
  assert.equal(problems.length, 0, describe(problems));
});

test('the linter catches the unquoted comma in an inline mapping', async (t) => {
  // The bug the lint was brought in for: a comma cuts a description short and adds a bogus key.
  const dir = await mkdtemp(join(tmpdir(), 'bosun-lint-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const spec = await readFile('openapi.yaml', 'utf8');
  const quoted = "description: 'The message again, for clients of the seed service.'";
  assert.ok(spec.includes(quoted), 'the Problem.error line moved; update this test');
  await writeFile(join(dir, 'openapi.yaml'), spec.replace(quoted, 'description: The message again, for clients of the seed service.'));
  for (const file of ['redocly.yaml', '.redocly.lint-ignore.yaml']) await copyFile(file, join(dir, file));
  const problems = await lint('openapi.yaml', dir);
  assert.ok(
    problems.some((p) => p.ruleId === 'struct' && p.severity === 'error' && p.location[0]?.pointer.startsWith('#/components/schemas/Problem/properties/error/')),
    describe(problems),
  );
});
