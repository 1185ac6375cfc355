import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { BosunError } from '../errors.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded-postgres.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { createToken, listTokens, revokeTokens } from './tokens.ts';

const USAGE = `usage: bosun tokens <create|list|revoke> [options]

  create --user <name> [--admin] [--description <text>]
         prints a new API token once; only its SHA-256 is stored
  list   [--user <name>] [--json]
         every token: id, user, admin, created, last used, revoked (never the token)
  revoke <token-id> | --user <name>
         revokes one token, or every token of a user

Talks to the database directly (DATABASE_URL, or the embedded server's data folder).
Send a token as 'Authorization: Bearer <token>' (or the seed service's 'auth_token' header).
`;

/** `bosun tokens …`: creates, lists and revokes API tokens. */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || rest.includes('--help')) {
    process.stdout.write(USAGE);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { user: { type: 'string' }, admin: { type: 'boolean' }, description: { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (err) {
    process.stderr.write(`bosun tokens: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (!['create', 'list', 'revoke'].includes(sub)) {
    process.stderr.write(`bosun tokens: unknown subcommand '${sub}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (sub === 'create' && values.user === undefined) {
    process.stderr.write(`bosun tokens create: --user is required\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (sub === 'revoke' && positionals[0] === undefined && values.user === undefined) {
    process.stderr.write(`bosun tokens revoke: name a token id or --user\n\n${USAGE}`);
    return EXIT.usage;
  }

  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const { database, embedded } = await connect(config.databaseUrl, config.dataDir, config.embeddedPgPort, logger);
  try {
    await migrateToLatest(database.db);
    if (sub === 'create') {
      const { token, info } = await createToken(database.db, { user: values.user!, admin: values.admin ?? false, description: values.description ?? null });
      process.stderr.write(`created token ${info.token_id} for ${info.user_name}${info.admin ? ' (admin)' : ''}; it is shown once, store it now:\n`);
      process.stdout.write(`${token}\n`);
    } else if (sub === 'list') {
      const tokens = await listTokens(database.db, values.user === undefined ? {} : { user: values.user });
      if (values.json) process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      else if (tokens.length === 0) process.stdout.write('no tokens\n');
      else {
        for (const t of tokens) {
          const state = t.revoked_at ? `revoked ${t.revoked_at.toISOString()}` : 'active';
          const used = t.last_used_at ? `last used ${t.last_used_at.toISOString()}` : 'never used';
          process.stdout.write(`${t.token_id}  ${t.user_name}${t.admin ? ' (admin)' : ''}  created ${t.created_at.toISOString()}  ${used}  ${state}${t.description ? `  ${t.description}` : ''}\n`);
        }
      }
    } else {
      const ids = await revokeTokens(database.db, { ...(positionals[0] ? { tokenId: positionals[0] } : {}), ...(values.user ? { user: values.user } : {}) });
      process.stdout.write(ids.length === 0 ? 'nothing to revoke\n' : ids.map((id) => `revoked ${id}\n`).join(''));
    }
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof BosunError)) throw err;
    process.stderr.write(`bosun tokens: ${err.message}\n`);
    return err.code === 'not-found' ? EXIT.notFound : EXIT.invalid;
  } finally {
    await database.close();
    await embedded?.stop();
  }
}

// Same credentials as src/db/embedded-postgres.ts creates the embedded server with.
const EMBEDDED_CREDENTIALS = 'postgres:bosun-embedded';

/**
 * DATABASE_URL; else the embedded server a running bosun already has up on its data
 * folder (starting a second one there would stop the first); else an embedded server of our own.
 */
async function connect(
  url: string | undefined,
  dataDir: string,
  port: number,
  logger: ReturnType<typeof createLogger>,
): Promise<{ database: Database; embedded?: EmbeddedServer }> {
  if (url) return { database: openDatabase(url, logger, 2) };
  const running = runningEmbeddedPort(dataDir);
  if (running !== undefined) return { database: openDatabase(`postgres://${EMBEDDED_CREDENTIALS}@127.0.0.1:${running}/postgres`, logger, 2) };
  const embedded = await startEmbeddedPostgres({ dataDir, port, logger, binDir: process.env.BOSUN_PG_BIN_DIR });
  return { database: openDatabase(embedded.url, logger, 2), embedded };
}

function runningEmbeddedPort(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  // postmaster.pid: line 1 the pid, line 4 the port.
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return port;
}
