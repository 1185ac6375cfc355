// `function`: imports a module from the functions folder (BOSUN_FUNCTIONS_DIR, default
// ./functions) and calls one of its exports in a Node process of its own; what it returns is the
// run's result. Whatever the function does (process.exit, a throw from a timer, an endless loop,
// a memory blow-up) fails that run only.
import { BaseHandler, type HandlerContext, type JsonSchema } from '../src/handlers/base-handler.ts';
import { resolveFunctionModule } from '../src/handlers/function-module.ts';
import { runInProcess } from '../src/handlers/isolated-function/run-in-process.ts';
import { jobEnvironment } from '../src/handlers/job-environment.ts';
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
    'with `args` (and `kwargs` as one last argument when given), in a Node process of its own (heap capped by BOSUN_FUNCTION_MEMORY_MB, a minimal environment); ' +
    '`this` is the run context (signal, log, jobs). Its return value, through JSON, is the result.';
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
    const config = loadConfig(process.env);
    const file = await resolveFunctionModule(config.functionsDir, kwargs.module);
    const args = kwargs.kwargs === undefined ? kwargs.args : [...kwargs.args, kwargs.kwargs];
    const call = {
      file,
      modulePath: kwargs.module,
      exportName: kwargs.function,
      args,
      context: { jobId: context.jobId, runId: context.runId, attempt: context.attempt, scheduledFor: context.scheduledFor.toISOString() },
    };
    return runInProcess(call, context, { memoryMb: config.functionMemoryMb, env: jobEnvironment() });
  }
}
