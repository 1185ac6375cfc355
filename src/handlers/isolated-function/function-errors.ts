// How a function's run fails when the function ended its own thread rather than return or throw.

/** The function called process.exit(), or its thread ended before the function returned. */
export class FunctionExited extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number, callSite: string | null = null) {
    super(message);
    this.name = 'FunctionExited';
    this.exitCode = exitCode;
    // Where the function called process.exit(), so the run's error points at its line; bosun's
    // own frames would only mislead.
    this.stack = callSite === null ? `${this.name}: ${message}` : `${this.name}: ${message}\n${callSite.split('\n').slice(1).join('\n')}`;
  }

  static calledExit(code: number, callSite: string | null): FunctionExited {
    return new FunctionExited(`process.exit(${code}) ended the function's thread before it returned (only that run fails; bosun goes on)`, code, callSite);
  }

  /** The thread ended without a word from the function (a crash of the thread itself). */
  static unexplained(code: number): FunctionExited {
    return new FunctionExited(`the function's thread ended with code ${code} before the function returned`, code);
  }
}

/** The function's heap reached BOSUN_FUNCTION_MEMORY_MB; its thread was stopped. */
export class FunctionOutOfMemory extends Error {
  readonly limitMb: number;

  constructor(limitMb: number) {
    super(`the function ran out of memory: its heap reached the limit of ${limitMb} MB (BOSUN_FUNCTION_MEMORY_MB) and its thread was stopped`);
    this.name = 'FunctionOutOfMemory';
    this.limitMb = limitMb;
    this.stack = `${this.name}: ${this.message}`;
  }
}
