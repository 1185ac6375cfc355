import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { BosunError, ConfigError } from '../errors.ts';
import { hasActiveTokens, tokensEverMade, verifyToken, type Identity } from './tokens.ts';

/**
 * BOSUN_AUTH: `on` requires a token, `off` never does, `auto` does off loopback and, on loopback,
 * from the first token ever made (revoking them all does not reopen it; BOSUN_AUTH=off does).
 */
export type AuthMode = 'auto' | 'on' | 'off';

/** Who may use the API: decided per request from the presented token, the mode and the bind address. */
export interface AuthPolicy {
  /** The caller's identity; throws 401 when a token is needed and missing, unknown or revoked. */
  identify(token: string | undefined): Promise<Identity>;
}

/** The operator with auth off, or on loopback before any token was made: sees and changes everything. */
export const ANONYMOUS: Identity = Object.freeze({ user: null, admin: true, handlers: Object.freeze([]) });

/** Whether a bind address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '0:0:0:0:0:0:0:1';
}

/**
 * Refuses to serve an open API to the network: bound off loopback with auth not
 * explicitly off, at least one token must exist (else nobody could get in anyway,
 * or, worse, everybody could).
 */
export async function checkAuthStartup(db: Kysely<DB>, mode: AuthMode, host: string): Promise<void> {
  if (mode === 'off' || isLoopback(host)) return;
  if (!(await hasActiveTokens(db))) {
    throw new ConfigError(
      'BOSUN_AUTH',
      `HOST=${host} is not loopback and no API token exists: create one with 'bosun tokens create --user <name> --admin', ` +
        `bind to 127.0.0.1, or set BOSUN_AUTH=off to serve without authentication on purpose`,
    );
  }
}

/**
 * The policy for a mode and bind address. `auto` looks for a token until it finds one, so one made
 * by the CLI closes the API within seconds; once found, it never looks again: closed is for good.
 */
export function createAuthPolicy(db: Kysely<DB>, mode: AuthMode, host: string): AuthPolicy {
  const loopback = isLoopback(host);
  let closed = false;
  let checkedAt = 0;
  const tokensExist = async (): Promise<boolean> => {
    // Cached briefly while open: a request without a token should not cost a query every time.
    if (!closed && Date.now() - checkedAt > 2000) {
      closed = await tokensEverMade(db);
      checkedAt = Date.now();
    }
    return closed;
  };
  return {
    async identify(token) {
      if (token !== undefined) return verifyToken(db, token);
      const required = mode === 'on' || (mode === 'auto' && (!loopback || (await tokensExist())));
      if (required) {
        throw new BosunError('unauthorized', "authentication required: send 'Authorization: Bearer <token>' (create one with 'bosun tokens create --user <name>')");
      }
      return ANONYMOUS;
    },
  };
}

/** The token in `Authorization: Bearer …` or the seed service's `auth_token` header. */
export function presentedToken(authorization: string | undefined, authTokenHeader: string | undefined): string | undefined {
  if (authorization !== undefined && authorization.trim() !== '') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
    if (!match) throw new BosunError('unauthorized', "the Authorization header must be 'Bearer <token>'", { field: 'Authorization' });
    return match[1];
  }
  const seed = authTokenHeader?.trim();
  return seed ? seed : undefined;
}
