// How a function's run fails when its process ended rather than return or throw.

/** The function called process.exit(), or its process ended before the function returned. */
export class FunctionExited extends Error {
  readonly exitCode: number | null;

  constructor(message: string, exitCode: number | null, callSite: string | null = null) {
    super(message);
    this.name = 'FunctionExited';
    this.exitCode = exitCode;
    // Where the function called process.exit(), so the run's error points at its line; bosun's
    // own frames would only mislead.
    this.stack = callSite === null ? `${this.name}: ${message}` : `${this.name}: ${message}\n${callSite.split('\n').slice(1).join('\n')}`;
  }

  static calledExit(code: number, callSite: string | null): FunctionExited {
    return new FunctionExited(`process.exit(${code}) ended the function's process before it returned (only that run fails; bosun goes on)`, code, callSite);
  }

  /** The process ended without a word from the function: killed from outside, or crashed. */
  static unexplained(code: number | null, signal: NodeJS.Signals | null): FunctionExited {
    const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
    return new FunctionExited(`the function's process ${how} before the function returned`, code);
  }
}

/** The function's heap reached BOSUN_FUNCTION_MEMORY_MB; its process ended. */
export class FunctionOutOfMemory extends Error {
  readonly limitMb: number;

  constructor(limitMb: number) {
    super(`the function ran out of memory: its heap reached the limit of ${limitMb} MB (BOSUN_FUNCTION_MEMORY_MB) and its process ended`);
    this.name = 'FunctionOutOfMemory';
    this.limitMb = limitMb;
    this.stack = `${this.name}: ${this.message}`;
  }
}
