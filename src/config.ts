import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors.ts';
import { DEFAULT_HOST, DEFAULT_PORT } from './service-url.ts';
import { tracingConfig, type TracingConfig } from './tracing/tracing-config.ts';
import { parseHttpTarget } from './handlers/http-target-rules.ts';

/** Which parts of bosun a process runs; several processes may split them. */
export type Role = 'api' | 'scheduler' | 'worker';
export const ROLES: readonly Role[] = ['api', 'scheduler', 'worker'];

/** Everything bosun reads from the environment, parsed once and frozen. */
export interface Config {
  /** External PostgreSQL; when absent an embedded server is started. */
  databaseUrl: string | undefined;
  /** How long startup waits for DATABASE_URL to answer, retrying with backoff, before it gives up. */
  databaseWaitMs: number;
  /** Data folder of the embedded PostgreSQL. */
  dataDir: string;
  /** Port the embedded PostgreSQL tries first; a free one is picked when taken. */
  embeddedPgPort: number;
  /** Other PostgreSQL binaries for the embedded server (e.g. Debian's 15); the packaged ones when unset. */
  pgBinDir: string | undefined;
  host: string;
  port: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  roles: ReadonlySet<Role>;
  /** Upper bound on handlers running at once in this process. */
  concurrency: number;
  /** Schema pg-boss keeps its queue tables in. */
  bossSchema: string;
  defaultJobsDir: string;
  flowsDir: string;
  /** A user's own handler folder, loaded after the built-in `handlers/` (`./handlers` when it exists). */
  handlersDir: string | undefined;
  /** The handlers turned on (BOSUN_HANDLERS); undefined: every loaded one. Others are refused by name. */
  enabledHandlers: readonly string[] | undefined;
  /** The only folder the `function` handler imports modules from. */
  functionsDir: string;
  /** Heap limit of the worker thread each `function` run happens in, in MB. */
  functionMemoryMb: number;
  pruneDefaultJobs: boolean;
  /** How long shutdown waits for running handlers before abandoning them. */
  shutdownTimeoutMs: number;
  /** Runs and failures older than this are pruned. */
  retentionMs: number;
  /** Audit log entries older than this are pruned. */
  auditRetentionMs: number;
  /** Largest request body the API accepts. */
  bodyLimitBytes: number;
  /** Job views GET /jobs keeps rendered, each for one version of its row; 0 = none. */
  jobViewCacheSize: number;
  /** `on` requires tokens; `off` allows open access on any address; `auto` is off on loopback only. */
  auth: 'auto' | 'on' | 'off';
  /** Host names the API answers besides loopback names and IP literals (`*.example.com` for subdomains). */
  allowedHosts: readonly string[];
  /** Browser origins (`https://ops.example.com`) allowed to send state-changing requests besides bosun's own. */
  allowedOrigins: readonly string[];
  /** The URL people reach bosun by, behind a proxy; its host and origin are allowed as if listed. */
  publicUrl: string | undefined;
  /** OTLP trace export, from the standard OTEL_* variables; undefined when no endpoint is set. */
  tracing: TracingConfig | undefined;
  /** Names of bosun's own environment variables a job's process also gets (never a service secret, see isServiceSecretName). */
  commandEnv: readonly string[];
  /** The user commands run as when bosun is root (`nobody` when unset); ignored unless root or naming bosun's own user. */
  commandUser: string | undefined;
  /** Targets the `http` handler may call (`*`: any not refused by default); a listed one is allowed even if link-local. */
  httpAllow: readonly string[];
  /** Targets the `http` handler never calls; wins over httpAllow. */
  httpDeny: readonly string[];
}

/** Job views GET /jobs keeps when BOSUN_JOB_VIEW_CACHE is unset: ≈ 1 kB each. */
export const DEFAULT_JOB_VIEW_CACHE_SIZE = 10_000;

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

function str(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min} to ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = str(env, name, fallback).toLowerCase();
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = str(env, name, String(fallback)).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `expected true or false, got '${value}'`);
}

/**
 * Variables that carry bosun's own access (its database, its tokens and settings, its telemetry
 * credentials): never handed to a job's process, whatever BOSUN_COMMAND_ENV says.
 */
export function isServiceSecretName(name: string): boolean {
  return name === 'DATABASE_URL' || /^(BOSUN_|OTEL_|PG)/i.test(name);
}

/** BOSUN_COMMAND_ENV: the names, each checked (a service secret is refused, not silently dropped). */
export function commandEnvNames(env: Env): string[] {
  const names = str(env, 'BOSUN_COMMAND_ENV', '').split(',').map((n) => n.trim()).filter(Boolean);
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError('BOSUN_COMMAND_ENV', `'${name}' is not an environment variable name`);
    if (isServiceSecretName(name)) throw new ConfigError('BOSUN_COMMAND_ENV', `'${name}' is bosun's own (DATABASE_URL, BOSUN_*, OTEL_*, PG*) and is never passed to jobs`);
  }
  return names;
}

/** A comma-separated list of http targets, each checked here so a typo stops startup. */
function httpTargetList(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    try {
      parseHttpTarget(entry);
    } catch (err) {
      throw new ConfigError(name, (err as Error).message);
    }
  }
  return entries;
}

function commandUser(env: Env): string | undefined {
  const name = env.BOSUN_COMMAND_USER?.trim() || undefined;
  if (name !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/.test(name)) {
    throw new ConfigError('BOSUN_COMMAND_USER', `'${name}' is not a user name`);
  }
  return name;
}

function list(env: Env, name: string): string[] {
  return str(env, name, '').split(',').map((e) => e.trim()).filter(Boolean);
}

/** Host names, lower case; `*.example.com` names every subdomain. No scheme, no port: the name is what DNS rebinding forges. */
function hostList(env: Env, name: string): string[] {
  return list(env, name).map((entry) => {
    const host = entry.toLowerCase();
    if (!/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(host)) throw new ConfigError(name, `'${entry}' is not a host name (no scheme or port; '*.example.com' for subdomains)`);
    return host;
  });
}

/** Origins as browsers send them: `scheme://host[:port]`, no path. */
function originList(env: Env, name: string): string[] {
  return list(env, name).map((entry) => {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
      throw new ConfigError(name, `'${entry}' is not an origin (expected scheme://host[:port], e.g. https://ops.example.com)`);
    }
    return url.origin;
  });
}

function publicUrl(env: Env): string | undefined {
  const raw = env.BOSUN_PUBLIC_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('BOSUN_PUBLIC_URL', `'${raw}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('BOSUN_PUBLIC_URL', `'${raw}' is not an http(s) URL`);
  return url.href;
}

const SECOND = 1000;
const DAY = 86_400 * SECOND;

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL');
  }
  const roleNames = str(env, 'BOSUN_ROLES', 'all').toLowerCase();
  const roles = new Set<Role>();
  for (const name of roleNames.split(',').map((r) => r.trim()).filter(Boolean)) {
    if (name === 'all') ROLES.forEach((r) => roles.add(r));
    else if ((ROLES as readonly string[]).includes(name)) roles.add(name as Role);
    else throw new ConfigError('BOSUN_ROLES', `unknown role '${name}' (expected all or a list of ${ROLES.join(', ')})`);
  }
  if (roles.size === 0) throw new ConfigError('BOSUN_ROLES', 'names no role');
  const bossSchema = str(env, 'BOSUN_BOSS_SCHEMA', 'pgboss');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(bossSchema)) {
    throw new ConfigError('BOSUN_BOSS_SCHEMA', `'${bossSchema}' is not a plain lower-case SQL identifier`);
  }
  const handlersDir = env.BOSUN_HANDLERS_DIR?.trim();
  const handlerList = str(env, 'BOSUN_HANDLERS', 'all');
  const enabledHandlers = handlerList.toLowerCase() === 'all' ? undefined : Object.freeze(handlerList.split(',').map((h) => h.trim()).filter(Boolean));
  for (const name of enabledHandlers ?? []) {
    if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(name)) throw new ConfigError('BOSUN_HANDLERS', `'${name}' is not a handler name (expected all, or a comma-separated list such as noop,http)`);
  }

  return Object.freeze({
    databaseUrl,
    databaseWaitMs: int(env, 'BOSUN_DB_WAIT', 60, 0, 3600) * SECOND,
    dataDir: resolve(cwd, str(env, 'BOSUN_DATA_DIR', '.bosun/pg')),
    embeddedPgPort: int(env, 'BOSUN_PG_PORT', 54329, 1, 65535),
    pgBinDir: env.BOSUN_PG_BIN_DIR?.trim() ? resolve(cwd, env.BOSUN_PG_BIN_DIR.trim()) : undefined,
    host: str(env, 'HOST', DEFAULT_HOST),
    port: int(env, 'PORT', DEFAULT_PORT, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    roles,
    concurrency: int(env, 'BOSUN_CONCURRENCY', 10, 1, 1000),
    bossSchema,
    defaultJobsDir: resolve(cwd, str(env, 'BOSUN_DEFAULT_JOBS_DIR', 'default-jobs')),
    flowsDir: resolve(cwd, str(env, 'BOSUN_FLOWS_DIR', 'flows')),
    // Unset: `handlers/` of the current folder when there is one, as `default-jobs/` and `flows/` are
    // read from it, so `npx bosun serve` in a project serves that project's handlers.
    handlersDir: handlersDir ? resolve(cwd, handlersDir) : existingDir(resolve(cwd, 'handlers')),
    enabledHandlers,
    functionsDir: resolve(cwd, str(env, 'BOSUN_FUNCTIONS_DIR', 'functions')),
    functionMemoryMb: int(env, 'BOSUN_FUNCTION_MEMORY_MB', 256, 16, 65536),
    pruneDefaultJobs: bool(env, 'BOSUN_PRUNE_DEFAULT_JOBS', false),
    shutdownTimeoutMs: int(env, 'BOSUN_SHUTDOWN_TIMEOUT', 30, 0, 3600) * SECOND,
    retentionMs: int(env, 'BOSUN_RETENTION_DAYS', 30, 1, 3650) * DAY,
    auditRetentionMs: int(env, 'BOSUN_AUDIT_RETENTION_DAYS', 365, 1, 36500) * DAY,
    bodyLimitBytes: int(env, 'BOSUN_BODY_LIMIT', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    jobViewCacheSize: int(env, 'BOSUN_JOB_VIEW_CACHE', DEFAULT_JOB_VIEW_CACHE_SIZE, 0, 10_000_000),
    auth: oneOf(env, 'BOSUN_AUTH', ['auto', 'on', 'off'] as const, 'auto'),
    allowedHosts: Object.freeze(hostList(env, 'BOSUN_ALLOWED_HOSTS')),
    allowedOrigins: Object.freeze(originList(env, 'BOSUN_ALLOWED_ORIGINS')),
    publicUrl: publicUrl(env),
    tracing: tracingConfig(env),
    commandEnv: Object.freeze(commandEnvNames(env)),
    commandUser: commandUser(env),
    httpAllow: Object.freeze(httpTargetList(env, 'BOSUN_HTTP_ALLOW', ['*'])),
    httpDeny: Object.freeze(httpTargetList(env, 'BOSUN_HTTP_DENY', [])),
  });
}

function existingDir(path: string): string | undefined {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : undefined;
}
