/** Exit codes scripts can rely on; docs/cli.md lists them. */
export const EXIT = {
  ok: 0,
  /** The service answered 5xx, could not be reached, or something failed on our side. */
  failure: 1,
  /** The command line itself is wrong: unknown command or option, missing argument. */
  usage: 2,
  /** The job, run or failure named does not exist (or is not visible to this token). */
  notFound: 3,
  /** The service refused the input: invalid value, conflict, not allowed in this state. */
  invalid: 4,
  /** The token is missing, unknown or not allowed to do this. */
  unauthorized: 5,
  /** `--wait`: the run ended in a status other than succeeded (failed, timed_out, cancelled…). */
  runFailed: 6,
  /** `--wait`: the run had not finished when --timeout ran out (it goes on running). */
  waitTimedOut: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
