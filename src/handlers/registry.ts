import { readdir } from 'node:fs/promises';
import { join, extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import type { Config } from '../config.ts';
import { BosunError, ConfigError } from '../errors.ts';
import type { HandlerClass } from './base-handler.ts';
import { createKwargsAjv, checkKwargs } from './kwargs-validator.ts';
import { didYouMean, suggest } from '../suggest.ts';

/** The repository's own `handlers/` folder (built-in handlers), wherever bosun is started from. */
export const BUILTIN_HANDLERS_DIR = fileURLToPath(new URL('../../handlers/', import.meta.url));

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const HANDLER_FILE = /^(?!.*\.(?:d|test)\.[cm]?[jt]s$)[^.].*\.(?:[cm]?js|[cm]?ts)$/;

/** Every handler bosun knows, found by name or class name, with kwargs validation. */
export interface HandlerRegistry {
  /** The handler called `nameOrClassName` (`flow-scheduling` or `FlowScheduling`); throws 'unknown-handler'. */
  resolve(nameOrClassName: string): HandlerClass;
  /** All handlers, sorted by name. */
  list(): HandlerClass[];
  /** A validated copy of `kwargs` with the schema's defaults applied, then the handler's own validate() hook; throws 'invalid-kwargs' naming the field. */
  validateKwargs(handler: HandlerClass, kwargs: unknown): Record<string, unknown>;
}

/** `flow-scheduling` → `FlowScheduling`: the class-style name the seed's YAML uses. */
export function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

interface Entry {
  cls: HandlerClass;
  /** Where it came from, for error messages. */
  origin: string;
  /** Names it may be referred to by besides `cls.name` (its export name, its PascalCase form). */
  aliases: string[];
}

function isHandlerClass(value: unknown): value is HandlerClass {
  return typeof value === 'function' && typeof (value as { prototype?: { execute?: unknown } }).prototype?.execute === 'function';
}

/** Which loaded handlers are turned on: all by default, or those BOSUN_HANDLERS names. */
export interface RegistryOptions {
  /** Names of the handlers to register; the others are loaded (a broken file still stops startup) but refused by name. */
  enabled?: readonly string[] | undefined;
}

function buildRegistry(entries: Entry[], options: RegistryOptions = {}): HandlerRegistry {
  const ajv = createKwargsAjv();
  const byName = new Map<string, Entry>();
  const byAlias = new Map<string, Entry>();
  const validators = new Map<HandlerClass, ValidateFunction>();
  for (const entry of entries) {
    const { cls, origin } = entry;
    const name: unknown = cls.name;
    if (typeof name !== 'string' || !KEBAB.test(name)) {
      throw new BosunError('invalid-handler', `${origin}: handler name ${JSON.stringify(name)} is not kebab-case (declare e.g. \`static override name = 'my-handler'\`)`, {
        details: { file: origin },
      });
    }
    const clash = byName.get(name) ?? byAlias.get(name);
    if (clash !== undefined) {
      throw new BosunError('invalid-handler', `${origin}: handler name '${name}' is already defined in ${clash.origin}`, { details: { file: origin, other: clash.origin } });
    }
    if (typeof (cls.prototype as { execute?: unknown }).execute !== 'function') {
      throw new BosunError('invalid-handler', `${origin}: handler '${name}' has no execute() method`, { details: { file: origin } });
    }
    const schema: unknown = cls.kwargsSchema;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new BosunError('invalid-handler', `${origin}: handler '${name}' kwargsSchema must be a JSON Schema object`, { details: { file: origin } });
    }
    try {
      validators.set(cls, ajv.compile(schema));
    } catch (err) {
      throw new BosunError('invalid-handler', `${origin}: handler '${name}' has an invalid kwargs schema: ${(err as Error).message}`, { details: { file: origin }, cause: err });
    }
    byName.set(name, entry);
  }
  for (const entry of entries) {
    for (const alias of new Set([pascalCase(entry.cls.name), ...entry.aliases])) {
      if (alias === entry.cls.name) continue;
      const other = byName.get(alias) ?? byAlias.get(alias);
      if (other !== undefined && other !== entry) {
        throw new BosunError('invalid-handler', `${entry.origin}: handler class name '${alias}' is also a name of '${other.cls.name}' in ${other.origin}`, {
          details: { file: entry.origin, other: other.origin },
        });
      }
      byAlias.set(alias, entry);
    }
  }
  // Every file is loaded and checked (a broken one stops startup either way); BOSUN_HANDLERS then
  // decides which handlers are served, and a turned-off one is refused with the reason.
  const enabled = options.enabled === undefined ? undefined : new Set(options.enabled);
  const missing = [...(enabled ?? [])].filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new ConfigError('BOSUN_HANDLERS', `names ${missing.map((m) => `'${m}'`).join(', ')}, which no handler folder defines (loaded: ${[...byName.keys()].sort().join(', ')})`);
  }
  const isOn = (cls: HandlerClass) => enabled === undefined || enabled.has(cls.name);
  const sorted = [...byName.values()].map((e) => e.cls).filter(isOn).sort((a, b) => a.name.localeCompare(b.name));
  const known = sorted.map((c) => c.name).join(', ') || '(none loaded)';
  const turnedOff = (name: string) =>
    new BosunError('unknown-handler', `handler '${name}' is turned off on this bosun (BOSUN_HANDLERS turns on only: ${known})`, { field: 'handler', details: { handler: name } });

  return {
    resolve(nameOrClassName) {
      const entry = byName.get(nameOrClassName) ?? byAlias.get(nameOrClassName);
      if (entry === undefined) {
        const message = `unknown handler '${nameOrClassName}' (known handlers: ${known})`;
        const suggestion = suggest(nameOrClassName, sorted.flatMap((c) => [c.name, pascalCase(c.name)]));
        throw new BosunError('unknown-handler', `${message}${didYouMean(suggestion)}`, {
          field: 'handler',
          details: { handler: nameOrClassName, errors: [{ field: 'handler', message, ...(suggestion ? { suggestion } : {}) }] },
        });
      }
      if (!isOn(entry.cls)) throw turnedOff(entry.cls.name);
      return entry.cls;
    },
    list() {
      return [...sorted];
    },
    validateKwargs(handler, kwargs) {
      const validate = validators.get(handler);
      if (validate === undefined) throw new BosunError('unknown-handler', `handler '${handler.name}' is not registered`, { field: 'handler' });
      if (!isOn(handler)) throw turnedOff(handler.name);
      const checked = checkKwargs(validate, handler.name, kwargs);
      try {
        handler.validate?.(checked);
      } catch (err) {
        if (err instanceof BosunError) throw err;
        throw new BosunError('invalid-kwargs', `invalid kwargs for handler '${handler.name}': ${(err as Error).message}`, { field: 'kwargs', cause: err });
      }
      return checked;
    },
  };
}

/** A registry of the given classes (tests, embedding); same checks as loadHandlers. */
export function registryOf(classes: HandlerClass[], options: RegistryOptions = {}): HandlerRegistry {
  return buildRegistry(classes.map((cls, i) => ({ cls, origin: `handler #${i + 1} (${String(cls.name)})`, aliases: [] })), options);
}

async function handlerFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new BosunError('invalid-handler', `cannot read the handlers folder ${dir}: ${(err as Error).message}`, { details: { file: dir }, cause: err });
  }
  return names.filter((n) => HANDLER_FILE.test(n) && extname(n) !== '').sort().map((n) => join(dir, n));
}

/** The handlers of a configuration: the built-in `handlers/`, then BOSUN_HANDLERS_DIR, less those BOSUN_HANDLERS leaves off. */
export function loadConfiguredHandlers(config: Pick<Config, 'handlersDir' | 'enabledHandlers'>): Promise<HandlerRegistry> {
  // In a checkout of bosun, `./handlers` is the built-in folder itself: loaded once.
  const own = config.handlersDir === undefined ? [] : [config.handlersDir].filter((dir) => resolve(dir) !== resolve(BUILTIN_HANDLERS_DIR));
  const dirs = [BUILTIN_HANDLERS_DIR, ...own];
  return loadHandlers(dirs, { enabled: config.enabledHandlers });
}

/**
 * Imports every handler file of `dirs` in order (built-in `handlers/` first, then the user's
 * BOSUN_HANDLERS_DIR); a file that fails to import, exports no handler, or clashes by name stops here.
 * `options.enabled` (BOSUN_HANDLERS) turns on only the handlers it names.
 */
export async function loadHandlers(dirs: string[] = [BUILTIN_HANDLERS_DIR], options: RegistryOptions = {}): Promise<HandlerRegistry> {
  const entries: Entry[] = [];
  for (const dir of dirs) {
    for (const file of await handlerFiles(dir)) {
      let module: Record<string, unknown>;
      try {
        module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      } catch (err) {
        throw new BosunError('invalid-handler', `${file}: cannot load handler file: ${(err as Error).message}`, { details: { file }, cause: err });
      }
      const found = new Map<HandlerClass, string[]>();
      for (const [exportName, value] of Object.entries(module)) {
        if (!isHandlerClass(value)) continue;
        const aliases = found.get(value) ?? [];
        if (exportName !== 'default') aliases.push(exportName);
        found.set(value, aliases);
      }
      if (found.size === 0) {
        throw new BosunError('invalid-handler', `${file}: exports no handler class (a class extending BaseHandler with execute())`, { details: { file } });
      }
      for (const [cls, aliases] of found) entries.push({ cls, origin: file, aliases });
    }
  }
  return buildRegistry(entries, options);
}
