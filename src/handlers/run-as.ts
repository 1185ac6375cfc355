// Who a job's process runs as. bosun started as root must not hand root to every job: commands
// run as BOSUN_COMMAND_USER (`nobody` by default), and as root only when the operator names root.
// Not root, bosun cannot switch users, so jobs run as bosun's own user.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { ConfigError } from '../errors.ts';

export const DEFAULT_COMMAND_USER = 'nobody';

export interface RunAsUser {
  name: string;
  home: string;
  /** Set when the process must switch to this user (bosun is root, the user is not); spawn's uid/gid. */
  uid?: number;
  gid?: number;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function parsePasswdLine(line: string): PasswdEntry | undefined {
  const [name, , uid, gid, , home] = line.split(':');
  if (name === undefined || home === undefined || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '')) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home };
}

/** The passwd entry of a user name or uid, through NSS (getent) where it exists, else /etc/passwd. */
function lookUpUser(nameOrUid: string): PasswdEntry | undefined {
  try {
    return parsePasswdLine(execFileSync('getent', ['passwd', nameOrUid], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch (err) {
    // getent exits 2 for an unknown user; only a missing getent falls back to the file.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map(parsePasswdLine)
    .find((e) => e !== undefined && (e.name === nameOrUid || String(e.uid) === nameOrUid));
}

const resolved = new Map<string, RunAsUser>();

/**
 * The user commands run as, for the BOSUN_COMMAND_USER setting (undefined when unset); looked up
 * once per name. Throws ConfigError when the user does not exist, or when bosun is not root and
 * the setting names another user than bosun's own.
 */
export function commandUser(configured: string | undefined): RunAsUser {
  const key = configured ?? '';
  let user = resolved.get(key);
  if (user === undefined) {
    user = resolveUser(configured);
    resolved.set(key, user);
  }
  return user;
}

function resolveUser(configured: string | undefined): RunAsUser {
  const me = userInfo();
  if (me.uid !== 0) {
    if (configured !== undefined && configured !== me.username && configured !== String(me.uid)) {
      throw new ConfigError('BOSUN_COMMAND_USER', `is '${configured}', but bosun runs as '${me.username}' (not root) and cannot switch users; unset it or start bosun as root`);
    }
    return { name: me.username, home: process.env.HOME || me.homedir };
  }
  const name = configured ?? DEFAULT_COMMAND_USER;
  const entry = lookUpUser(name);
  if (entry === undefined) {
    const hint = configured === undefined ? `; set BOSUN_COMMAND_USER to an unprivileged user (or to root to run commands as root)` : '';
    throw new ConfigError('BOSUN_COMMAND_USER', `no user '${name}' on this machine${hint}`);
  }
  if (entry.uid === 0) return { name: entry.name, home: entry.home };
  return { name: entry.name, home: entry.home, uid: entry.uid, gid: entry.gid };
}

/**
 * Where a command starts when its job names no `cwd`: bosun's own folder when it runs as bosun's
 * user; else the user's home when it is a folder of theirs, else /tmp: bosun's folder is not
 * theirs to read or write (and the switch of user comes after the change of folder, so the
 * start itself would not fail, only the command, later and less clearly).
 */
export function defaultCwd(user: RunAsUser): string | undefined {
  if (user.uid === undefined) return undefined;
  try {
    const stat = statSync(user.home);
    if (stat.isDirectory() && stat.uid === user.uid) return user.home;
  } catch {
    // No home (nobody's is /nonexistent): fall through.
  }
  return '/tmp';
}
