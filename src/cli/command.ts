/**
 * The contract between `bosun`'s dispatcher (src/cli/main.ts) and a command group:
 * a module that exports `run(args)`, given the arguments after the command's name
 * and resolving to the process exit code (see EXIT in src/cli/exit-codes.ts).
 */
export interface CommandModule {
  run(args: string[]): Promise<number>;
}

/** One line of the dispatcher's table: a summary for `bosun --help` and a lazy import. */
export interface CommandEntry {
  summary: string;
  /** Imported only when the command runs, so `bosun jobs list` does not load pg-boss. */
  load: () => Promise<CommandModule>;
}
