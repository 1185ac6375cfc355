// A fuzz of YAML job files through loadJobFiles: mutated and garbage files give errors (a
// BosunError naming the file), never a crash or an exception of another kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BosunError } from '../../src/errors.ts';
import { loadHandlers } from '../../src/handlers/registry.ts';
import { loadJobFiles } from '../../src/default-jobs/load-job-files.ts';
import { fuzzYaml, random, seed } from './fuzz-input.ts';

const ROUNDS = Number(process.env.RELIABILITY_FUZZ_YAML_ROUNDS ?? 400);

test(`YAML fuzz: ${ROUNDS} folders of mutated job files through loadJobFiles, errors never crashes`, async () => {
  seed(Number(process.env.RELIABILITY_SEED ?? 20261122) + 1);
  const registry = await loadHandlers();
  let loaded = 0;
  let rejected = 0;
  let files = 0;
  const crashes: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const dir = await mkdtemp(join(tmpdir(), 'bosun-yaml-fuzz-'));
    const texts: string[] = [];
    for (let f = Math.floor(random() * 4) + 1; f > 0; f--) {
      const text = fuzzYaml(round * 10 + f);
      texts.push(text);
      await writeFile(join(dir, `job-${f}.${random() < 0.9 ? 'yaml' : 'yml'}`), text);
      files++;
    }
    try {
      const result = await loadJobFiles(dir, registry, new Date());
      if (result.errors.length > 0) {
        rejected++;
        for (const e of result.errors) assert.ok(e.file.length > 0 && e.message.length > 0 && e.line >= 0, 'an error names its file and says what');
      } else loaded++;
    } catch (err) {
      if (err instanceof BosunError) {
        rejected++;
        assert.ok(err.message.length > 0);
      } else crashes.push(`${(err as Error)?.stack ?? String(err)}\n--- files:\n${texts.join('\n---\n')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log(`[reliability] YAML fuzz: rounds=${ROUNDS} files=${files} loaded=${loaded} rejected_with_errors=${rejected} crashes=${crashes.length}`);
  assert.deepEqual(crashes.slice(0, 3), [], 'loadJobFiles threw something other than a BosunError');
  assert.ok(rejected > ROUNDS / 4, 'the fuzz produced invalid files');
});
