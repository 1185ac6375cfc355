import { createHash, randomBytes } from 'node:crypto';
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { DB } from '../db/schema.ts';
import { BosunError, NotFoundError, ValidationError } from '../errors.ts';

// Storage shape of migrations/0002_tokens.ts; kept here because only auth reads it.
export interface ApiTokensTable {
  token_id: Generated<string>;
  user_name: string;
  admin: Generated<boolean>;
  token_hash: string;
  description: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never> & Generated<Date>;
  last_used_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** Powerful handlers this token may create and change jobs of (migrations/0011_token_handlers.ts). */
  handlers: ColumnType<string[], string[] | undefined, string[]>;
}

type AuthDb = Kysely<DB & { api_tokens: ApiTokensTable }>;
const withTokens = (db: Kysely<DB>): AuthDb => db.withTables<{ api_tokens: ApiTokensTable }>();

/** A token as listed: never the token itself, which only its creator saw once. */
export type TokenInfo = Omit<Selectable<ApiTokensTable>, 'token_hash'>;

/** Who a request acts as: a user (sees their own jobs) or an admin (sees all). */
export interface Identity {
  /** null when auth is off and no token was sent: the anonymous operator. */
  user: string | null;
  admin: boolean;
  /** Powerful handlers granted besides what `admin` allows (src/auth/handler-permission.ts). */
  handlers: readonly string[];
}

// Prefix makes a leaked token recognisable (secret scanners, logs).
const TOKEN_PREFIX = 'bosun_';
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
// A handler's name as the registry requires it (kebab-case); whether it is loaded is the service's
// business: the CLI may run where a user's handler folder is not.
const HANDLER_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const COLUMNS = ['token_id', 'user_name', 'admin', 'handlers', 'description', 'created_at', 'last_used_at', 'revoked_at'] as const;

/** The stored form of a token: hex SHA-256 (tokens are 256 random bits, so no salt or KDF is needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates a token for a user; the returned `token` is the only copy that will ever exist. */
export async function createToken(
  db: Kysely<DB>,
  input: { user: string; admin?: boolean; handlers?: readonly string[]; description?: string | null },
): Promise<{ token: string; info: TokenInfo }> {
  if (!USER_NAME.test(input.user)) {
    throw new ValidationError(`user '${input.user}' must be 1-100 letters, digits or . _ @ - (starting with a letter or digit)`, { field: 'user' });
  }
  const handlers = [...new Set(input.handlers ?? [])].sort();
  for (const name of handlers) {
    if (!HANDLER_NAME.test(name)) throw new ValidationError(`handler '${name}' is not a handler name (kebab-case, e.g. command or http)`, { field: 'handlers' });
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const info = await withTokens(db)
    .insertInto('api_tokens')
    .values({ user_name: input.user, admin: input.admin ?? false, handlers, token_hash: hashToken(token), description: input.description ?? null })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return { token, info };
}

/** Every token (revoked ones too, with their revocation time), oldest first. */
export async function listTokens(db: Kysely<DB>, options: { user?: string } = {}): Promise<TokenInfo[]> {
  let query = withTokens(db)
    .selectFrom('api_tokens')
    .select(COLUMNS)
    .orderBy('created_at')
    .orderBy('token_id');
  if (options.user !== undefined) query = query.where('user_name', '=', options.user);
  return query.execute();
}

/** Revokes one token by id, or every token of a user; returns the ids revoked. */
export async function revokeTokens(db: Kysely<DB>, target: { tokenId?: string; user?: string }): Promise<string[]> {
  if (target.tokenId === undefined && target.user === undefined) throw new ValidationError('name a token id or --user', { field: 'token_id' });
  if (target.tokenId !== undefined && !/^[0-9a-f-]{36}$/i.test(target.tokenId)) throw new NotFoundError('token', target.tokenId);
  let query = withTokens(db).updateTable('api_tokens').set({ revoked_at: new Date() }).where('revoked_at', 'is', null);
  if (target.tokenId !== undefined) query = query.where('token_id', '=', target.tokenId);
  if (target.user !== undefined) query = query.where('user_name', '=', target.user);
  const rows = await query.returning('token_id').execute();
  if (rows.length === 0 && target.tokenId !== undefined) throw new NotFoundError('token', target.tokenId);
  return rows.map((r) => r.token_id);
}

/** Whether any token is usable (startup refuses an API off loopback that nobody could use). */
export async function hasActiveTokens(db: Kysely<DB>): Promise<boolean> {
  const row = await withTokens(db).selectFrom('api_tokens').select('token_id').where('revoked_at', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Whether a token was ever made, revoked ones included: auth in `auto` mode turns on with the
 * first token and stays on, so revoking the last one does not reopen the API to anonymous callers.
 */
export async function tokensEverMade(db: Kysely<DB>): Promise<boolean> {
  const row = await withTokens(db).selectFrom('api_tokens').select('token_id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The identity a presented token stands for; 401 when it is unknown or revoked. */
export async function verifyToken(db: Kysely<DB>, token: string): Promise<Identity> {
  const tokens = withTokens(db);
  const row = await tokens
    .selectFrom('api_tokens')
    .select(['token_id', 'user_name', 'admin', 'handlers', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new BosunError('unauthorized', 'the token is unknown or has been revoked');
  // A write per request would be wasted; a minute is precise enough to see which tokens are in use.
  if (row.last_used_at === null || Date.now() - row.last_used_at.getTime() > 60_000) {
    await tokens.updateTable('api_tokens').set({ last_used_at: new Date() }).where('token_id', '=', row.token_id).execute();
  }
  return { user: row.user_name, admin: row.admin, handlers: row.handlers };
}
