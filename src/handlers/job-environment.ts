// The environment a job's process starts with. bosun's own environment holds its database URL,
// its settings and its telemetry credentials; a job gets none of it, only what it needs to run
// a program, what the operator allows by name (BOSUN_COMMAND_ENV) and what the job itself names.
import { userInfo } from 'node:os';
import { commandEnvNames, isServiceSecretName } from '../config.ts';

type Env = Record<string, string | undefined>;

/** Used when bosun itself has no PATH. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Locale and time zone: how output is formatted, never who may do what. */
const LOCALE = /^(LANG|LANGUAGE|TZ|LC_[A-Z]+)$/;

export interface JobEnvironmentOptions {
  /** The environment bosun runs in; process.env when absent. */
  source?: Env;
  /** Also pass the operator's BOSUN_COMMAND_ENV names (the `command` handler's `inherit_env`); default true. */
  operatorAllowed?: boolean;
  /** The user the process runs as (HOME, USER, LOGNAME); bosun's own when absent. */
  user?: { name: string; home: string };
}

/**
 * PATH (bosun's), HOME/USER/LOGNAME of the user the job runs as, LANG, LANGUAGE, LC_* and TZ,
 * then the names the operator allows, then the job's own `env` (which wins: it is the job's to set).
 * DATABASE_URL, BOSUN_*, OTEL_* and PG* of bosun's environment are never copied.
 */
export function jobEnvironment(jobEnv: Record<string, string> = {}, options: JobEnvironmentOptions = {}): Record<string, string> {
  const source = options.source ?? process.env;
  const user = options.user ?? ownUser(source);
  const env: Record<string, string> = { PATH: source.PATH || DEFAULT_PATH, HOME: user.home, USER: user.name, LOGNAME: user.name };
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && LOCALE.test(name)) env[name] = value;
  }
  if (options.operatorAllowed ?? true) {
    for (const name of commandEnvNames(source)) {
      const value = source[name];
      if (value !== undefined && !isServiceSecretName(name)) env[name] = value;
    }
  }
  return { ...env, ...jobEnv };
}

function ownUser(source: Env): { name: string; home: string } {
  const me = userInfo();
  return { name: me.username, home: source.HOME || me.homedir };
}
