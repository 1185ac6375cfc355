// `function`: imports a module from the functions folder (BOSUN_FUNCTIONS_DIR, default
// ./functions) and calls one of its exports; what it returns is the run's result.
import { BaseHandler, type HandlerContext, type JsonSchema } from '../src/handlers/base-handler.ts';
import { importFunctionModule, resolveFunctionModule, FunctionModuleError } from '../src/handlers/function-module.ts';
import { loadConfig } from '../src/config.ts';

export interface FunctionKwargs {
  module: string;
  function: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
}

export class CallFunction extends BaseHandler<FunctionKwargs, unknown> {
  static override name = 'function';
  // Runs code of the functions folder with bosun's rights: creating or changing its jobs is a permission.
  static override powerful = true;
  static override description =
    'Imports a module from the functions folder (BOSUN_FUNCTIONS_DIR, default ./functions; paths outside it are refused) and calls a named export ' +
    'with `args` (and `kwargs` as one last argument when given); `this` is the run context (signal, log). Its return value is the result.';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['module'],
    properties: {
      module: { type: 'string', minLength: 1, description: 'Path of the module inside the functions folder.', examples: ['reports.ts'] },
      function: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$', default: 'default', description: 'Name of the export to call.' },
      args: { type: 'array', default: [], description: 'Positional arguments.' },
      kwargs: { type: 'object', description: 'Passed as one object after the positional arguments.' },
    },
  };

  override async execute(kwargs: FunctionKwargs, context: HandlerContext): Promise<unknown> {
    const dir = loadConfig(process.env).functionsDir;
    const file = await resolveFunctionModule(dir, kwargs.module);
    const module = await importFunctionModule(file);
    const fn = module[kwargs.function];
    if (typeof fn !== 'function') {
      const exported = Object.keys(module).filter((k) => typeof module[k] === 'function');
      throw new FunctionModuleError(`${kwargs.module} has no exported function '${kwargs.function}' (functions it exports: ${exported.join(', ') || 'none'})`);
    }
    context.signal.throwIfAborted();
    const args = kwargs.kwargs === undefined ? kwargs.args : [...kwargs.args, kwargs.kwargs];
    const value: unknown = await (fn as (...a: unknown[]) => unknown).apply(context, args);
    // The result is stored as JSON: what JSON cannot hold is dropped here, not at the database.
    return value === undefined ? null : (JSON.parse(JSON.stringify(value) ?? 'null') as unknown);
  }
}
