import { isSecretName, REDACTED } from './secret-names.ts';

// Free text (an error message, a stack, a log line, a command's argument) is searched for the
// shapes a secret travels in. Each pattern ends where the value ends, so the text around it stays.

// `Authorization: Bearer abc`, `Cookie: a=1; b=2`, `X-Api-Key: abc`: a header line, to its end or a quote.
const HEADER_LINE = /\b((?:proxy-)?authorization|(?:set-)?cookie|x-[a-z0-9-]+)(\s*:\s*)([^\r\n"'`]+)/gi;
// `scheme://user:password@host`: the user-info is everything up to the last @ before the path.
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'`<>]*)@/gi;
// `"password": "abc"` inside JSON text (a response body quoted in an error).
const JSON_PAIR = /"([^"\\]{1,200})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
// `api_key=abc` in a query string, `--password=abc` on a command line, `API_TOKEN=abc` in a shell line.
const NAME_VALUE = /([A-Za-z0-9_.\-[\]]+)=([^\s&;#"'`<>,]+)/g;
// A bearer credential on its own (`-H` and its value passed as separate arguments).
const BEARER = /\b(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
// Text without any of these characters has none of the shapes above: most log lines end here.
const MAY_HOLD_SECRET = /[=:@]|bearer/i;

/** `text` with every secret it carries in a known shape shown as `***`; idempotent. */
export function redactText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return text
    .replace(HEADER_LINE, (whole, name: string, sep: string) => (isHeaderSecret(name) ? `${name}${sep}${REDACTED}` : whole))
    .replace(USER_INFO, (_whole, scheme: string, info: string) => `${scheme}${redactUserInfo(info)}@`)
    .replace(JSON_PAIR, (whole, name: string, sep: string) => (isSecretName(name) ? `"${name}"${sep}"${REDACTED}"` : whole))
    .replace(NAME_VALUE, (whole, name: string) => (isSecretName(name) ? `${name}=${REDACTED}` : whole))
    .replace(BEARER, (_whole, scheme: string) => `${scheme}${REDACTED}`);
}

/** `user:password` → `user:***`; a user-info without a password is often a token alone (`https://TOKEN@host`) → `***`. */
function redactUserInfo(info: string): string {
  const colon = info.indexOf(':');
  return colon === -1 ? REDACTED : `${info.slice(0, colon)}:${REDACTED}`;
}

// `X-Request-Id: 7` is not a secret, `X-Api-Key: abc` is: an X- header only by its name.
function isHeaderSecret(name: string): boolean {
  return !/^x-/i.test(name) || isSecretName(name.slice(2));
}
