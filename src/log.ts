import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One JSON object a line on stdout; a human-readable form when stdout is a terminal.
 * Child loggers carry job_id / run_id so every line about a run can be found.
 */
export function createLogger(level: string, pretty: boolean = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    base: { service: 'bosun' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Secrets never reach a log line, whichever object carries them.
    redact: {
      paths: ['databaseUrl', '*.databaseUrl', 'password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization', 'req.headers.auth_token',
        // pg and pg-boss option objects, and any headers object logged whole.
        'connectionString', '*.connectionString', 'auth_token', '*.auth_token', 'headers.authorization', 'headers.auth_token', '*.headers.authorization', '*.headers.auth_token'],
      censor: '[redacted]',
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
  });
}
