// Where bosun finds the user's handlers: BOSUN_HANDLERS_DIR, else `./handlers` of the folder it
// starts in (a project with bosun installed from npm), and in a checkout of bosun that folder is
// the built-in one, loaded once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { BUILTIN_HANDLERS_DIR, loadConfiguredHandlers } from '../../../src/handlers/registry.ts';

test('handlersDir: the setting, else ./handlers when it exists, else none', async (t) => {
  const project = await mkdtemp(join(tmpdir(), 'bosun-project-'));
  t.after(() => rm(project, { recursive: true, force: true }));
  assert.equal(loadConfig({}, project).handlersDir, undefined);
  await mkdir(join(project, 'handlers'));
  assert.equal(loadConfig({}, project).handlersDir, join(project, 'handlers'));
  assert.equal(loadConfig({ BOSUN_HANDLERS_DIR: 'mine' }, project).handlersDir, join(project, 'mine'));
});

test("in a checkout, ./handlers is the built-in folder and is loaded once", async () => {
  const config = loadConfig({}, join(BUILTIN_HANDLERS_DIR, '..'));
  assert.equal(config.handlersDir, BUILTIN_HANDLERS_DIR.replace(/\/$/, ''));
  // Loading it twice would refuse every handler as defined twice.
  const registry = await loadConfiguredHandlers(config);
  assert.ok(registry.list().some((h) => h.name === 'noop'));
});
