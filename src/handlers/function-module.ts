import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MODULE_FILE = /\.(?:[cm]?js|[cm]?ts)$/;

/** The module asked for is outside the allowed folder, missing, or not a module. */
export class FunctionModuleError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'FunctionModuleError';
  }
}

/**
 * Resolves `modulePath` inside `allowedDir` and refuses anything that leaves it, through `..`,
 * an absolute path or a symbolic link; returns the real file.
 */
export async function resolveFunctionModule(allowedDir: string, modulePath: string): Promise<string> {
  let root: string;
  try {
    root = await realpath(allowedDir);
  } catch (err) {
    throw new FunctionModuleError(`the functions folder ${allowedDir} does not exist (set BOSUN_FUNCTIONS_DIR)`, err);
  }
  if (isAbsolute(modulePath)) throw new FunctionModuleError(`module '${modulePath}' must be a path relative to the functions folder ${root}`);
  if (!MODULE_FILE.test(modulePath)) throw new FunctionModuleError(`module '${modulePath}' must be a .js, .mjs, .cjs, .ts or .mts file`);
  let file: string;
  try {
    file = await realpath(resolve(root, modulePath));
  } catch (err) {
    throw new FunctionModuleError(`module '${modulePath}' not found in the functions folder ${root}`, err);
  }
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new FunctionModuleError(`module '${modulePath}' is outside the functions folder ${root}; only modules inside it may be imported`);
  }
  return file;
}

/** Imports a module file. Each run imports in a process of its own, so an edited file is read afresh. */
export async function importFunctionModule(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new FunctionModuleError(`cannot import ${file}: ${(err as Error).message}`, err);
  }
}

type Callable = (...args: unknown[]) => unknown;

/** The export `name` of a module when it is a function; refuses anything else, naming what it does export. */
export function exportedFunction(module: Record<string, unknown>, name: string, modulePath: string): Callable {
  const fn = module[name];
  if (typeof fn === 'function') return fn as Callable;
  const exported = Object.keys(module).filter((k) => typeof module[k] === 'function');
  throw new FunctionModuleError(`${modulePath} has no exported function '${name}' (functions it exports: ${exported.join(', ') || 'none'})`);
}
