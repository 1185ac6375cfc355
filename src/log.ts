import { pino, type Logger } from 'pino';
import { redactValue } from './redaction/redact-value.ts';

export type { Logger };

// Field names whose values never reach a log line, wherever a logged object carries them: the
// header names and the common secret fields of src/redaction/secret-names.ts (pino's redaction
// needs paths, so the rule itself cannot be applied to every key), and pg's and bosun's options.
const SECRET_FIELDS = [
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token',
  'Authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'X-Api-Key', 'X-Auth-Token',
  'password', 'passwd', 'token', 'auth_token', 'access_token', 'refresh_token', 'secret', 'client_secret',
  'api_key', 'apiKey', 'credentials', 'databaseUrl', 'connectionString',
];
// Where such a field sits: at the top of the object, one level down, or in a headers object.
const PARENTS = ['', '*.', 'headers.', '*.headers.', 'req.headers.', 'res.headers.'];
const REDACT_PATHS = PARENTS.flatMap((parent) => SECRET_FIELDS.map((field) => (/^[A-Za-z_]\w*$/.test(field) ? `${parent}${field}` : `${parent.replace(/\.$/, '')}["${field}"]`)));

/**
 * One JSON object a line on stdout; a human-readable form when stdout is a terminal.
 * Child loggers carry job_id / run_id so every line about a run can be found.
 */
export function createLogger(level: string, pretty: boolean = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    base: { service: 'bosun' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // An error's message and stack may quote a URL with its password or a secret query (a failed
    // fetch says which URL): logged redacted, as every stored copy is.
    serializers: { err: (err: unknown) => redactValue({ ...pino.stdSerializers.err(err as Error) }) },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
  });
}
