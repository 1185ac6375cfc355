import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { BosunError } from '../errors.ts';
import { adminDatabase } from '../db/connect-target.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { createToken, listTokens, revokeTokens } from './tokens.ts';

const USAGE = `usage: bosun tokens <create|list|revoke> [options]

  create --user <name> [--admin] [--handlers <a,b>] [--description <text>]
         prints a new API token once; only its SHA-256 is stored.
         --handlers grants the powerful handlers named (command, function, http, and
         any handler marked powerful): the token may create and change their jobs.
         An admin token may use every handler.
  list   [--user <name>] [--json]
         every token: id, user, admin, handlers, created, last used, revoked (never the token)
  revoke <token-id> | --user <name>
         revokes one token, or every token of a user

Talks to the database directly (DATABASE_URL, or the embedded server's data folder).
Send a token as 'Authorization: Bearer <token>' (or the seed service's 'auth_token' header).
With BOSUN_AUTH=auto the API asks for a token from the first one made on, and revoking every
token does not open it again: set BOSUN_AUTH=off to serve without tokens on purpose.
`;

/** What a token may do beyond its own jobs, as `tokens create` and `tokens list` show it. */
function grants(t: { admin: boolean; handlers: readonly string[] }): string {
  if (t.admin) return ' (admin)';
  return t.handlers.length > 0 ? ` (handlers: ${t.handlers.join(',')})` : '';
}

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
      options: { user: { type: 'string' }, admin: { type: 'boolean' }, handlers: { type: 'string' }, description: { type: 'string' }, json: { type: 'boolean' } },
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
  if (values.handlers !== undefined && sub !== 'create') {
    process.stderr.write(`bosun tokens ${sub}: --handlers is an option of create\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (sub === 'revoke' && positionals[0] === undefined && values.user === undefined) {
    process.stderr.write(`bosun tokens revoke: name a token id or --user\n\n${USAGE}`);
    return EXIT.usage;
  }

  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const { url, embedded } = await adminDatabase(config, logger);
  const database = openDatabase(url, logger, 2);
  try {
    await migrateToLatest(database.db);
    if (sub === 'create') {
      const handlers = (values.handlers ?? '').split(',').map((h) => h.trim()).filter(Boolean);
      const { token, info } = await createToken(database.db, { user: values.user!, admin: values.admin ?? false, handlers, description: values.description ?? null });
      process.stderr.write(`created token ${info.token_id} for ${info.user_name}${grants(info)}; it is shown once, store it now:\n`);
      process.stdout.write(`${token}\n`);
    } else if (sub === 'list') {
      const tokens = await listTokens(database.db, values.user === undefined ? {} : { user: values.user });
      if (values.json) process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      else if (tokens.length === 0) process.stdout.write('no tokens\n');
      else {
        for (const t of tokens) {
          const state = t.revoked_at ? `revoked ${t.revoked_at.toISOString()}` : 'active';
          const used = t.last_used_at ? `last used ${t.last_used_at.toISOString()}` : 'never used';
          process.stdout.write(`${t.token_id}  ${t.user_name}${grants(t)}  created ${t.created_at.toISOString()}  ${used}  ${state}${t.description ? `  ${t.description}` : ''}\n`);
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
