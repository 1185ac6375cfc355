// The embedded PostgreSQL's superuser password: random, made when the cluster is created, kept in
// a file beside the data folder that only bosun's own user can read. Beside, not inside: as root
// the data folder belongs to the `postgres` user, who could otherwise replace or read the file.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import pg from 'pg';
import { ConfigError } from '../errors.ts';
import type { Logger } from '../log.ts';

/** The fixed password of clusters made before passwords were random; only ever used to replace it. */
export const LEGACY_PASSWORD = 'bosun-embedded';
export const SUPERUSER = 'postgres';

/** `<dataDir>.password`: the data folder's password file. */
export function passwordFile(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}.password`;
}

/** 32 random bytes, base64url: safe in a connection URL without escaping. */
export function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

/** The password in the data folder's file, or undefined when there is none yet (a cluster from an older bosun). */
export function readPassword(dataDir: string): string | undefined {
  const file = passwordFile(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(file, err);
  }
  // A copy restored with a looser mode is tightened back: the file is a superuser's password.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const password = text.trim();
  if (password === '') throw new ConfigError('BOSUN_DATA_DIR', `${file} is empty; restore it from a backup, or remove it to reset the password from the one older bosun versions used`);
  return password;
}

/** Writes the password file atomically, mode 0600, owned by the user bosun runs as. */
export async function writePassword(dataDir: string, password: string): Promise<void> {
  const file = passwordFile(dataDir);
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${password}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file).catch(async (err: unknown) => {
    await rm(temporary, { force: true });
    throw err;
  });
}

/** The data folder's password, made and written when missing. */
export async function ensurePassword(dataDir: string): Promise<{ password: string; made: boolean }> {
  const existing = readPassword(dataDir);
  if (existing !== undefined) return { password: existing, made: false };
  const password = newPassword();
  await writePassword(dataDir, password);
  return { password, made: true };
}

/**
 * Makes the running server's superuser password the one in the file. A cluster made by an older
 * bosun still has the fixed password: it is replaced here, so upgrading installs lose it. The file
 * is written before the ALTER ROLE, so a crash between the two leaves the old password in the
 * cluster and the new one in the file, and the next start finishes the change.
 */
export async function adoptPassword(dataDir: string, port: number, password: string, log: Logger): Promise<void> {
  const current = await connect(port, password);
  if (current !== undefined) {
    await current.end();
    return;
  }
  const legacy = await connect(port, LEGACY_PASSWORD);
  if (legacy === undefined) {
    throw new ConfigError(
      'BOSUN_DATA_DIR',
      `the embedded PostgreSQL on ${dataDir} refuses the password in ${passwordFile(dataDir)}; ` +
        'restore that file from a backup taken with the data folder',
    );
  }
  try {
    await legacy.query(`alter role ${SUPERUSER} password ${legacy.escapeLiteral(password)}`);
  } finally {
    await legacy.end();
  }
  log.warn({ file: passwordFile(dataDir) }, 'replaced the fixed password of the embedded PostgreSQL with a random one');
}

/** A connection with this password, or undefined when the server refuses the password (28P01). */
async function connect(port: number, password: string): Promise<pg.Client | undefined> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres', password, application_name: 'bosun-setup', connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    if ((err as { code?: string }).code === '28P01') return undefined;
    throw err;
  }
}

function unreadable(file: string, cause: unknown): ConfigError {
  const error = new ConfigError(
    'BOSUN_DATA_DIR',
    `cannot read the embedded PostgreSQL's password file ${file} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); ` +
      'run this command as the user that runs bosun',
  );
  error.cause = cause;
  return error;
}
