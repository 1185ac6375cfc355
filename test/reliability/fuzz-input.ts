// Random requests and YAML documents for the fuzz scenarios, from a seeded generator so that a
// failure can be replayed (RELIABILITY_SEED).

let state = 1;
/** Seeds the generator. */
export function seed(value: number): void {
  state = value >>> 0 || 1;
}
/** A number in [0, 1) (xorshift32). */
export function random(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 2 ** 32;
}
// A lone surrogate has no percent-encoding: sent as the UTF-8 bytes of one, which no decoder accepts.
const encode = (text: string): string => (text.isWellFormed() ? encodeURIComponent(text) : '%ED%A0%80');
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (n: number) => Math.floor(random() * n);

const STRINGS = ['', ' ', 'noop', 'command', 'x'.repeat(300), '../../etc/passwd', '%00', '\u0000', 'ñ☃💥', '1e999', '-1', 'null', 'true', '[]', '{}', "'; drop table jobs; --", '5s', '1 day', '*/5 * * * *', '61 * * * *', 'FREQ=DAILY', 'FREQ=NOPE', '2026-02-30T10:00:00Z', 'yesterday', 'now', 'Europe/Nowhere', 'UTC', 'paused', 'running', 'active', 'fuzz-known', '\ud800', 'a\udc00b', 'x\u0000y'];
// Raw path segments and query values as a client may write them: NUL, an encoded surrogate, malformed escapes.
const RAW_ESCAPES = ['%00', 'a%00b', '%zz', '%E0%A4%A', '%ED%A0%80', '%', '%FF'];
const FIELDS = ['job_id', 'handler', 'kwargs', 'description', 'periodically', 'cron', 'rrule', 'dates', 'weekly', 'monthly', 'when', 'timezone', 'until', 'max_runs', 'window', 'misfire_grace_time', 'overlap', 'timeout', 'retries', 'retry_delay', 'retry_backoff', 'state', 'owner', 'bogus'];
const QUERY_KEYS = ['state', 'limit', 'offset', 'job_id', 'handler', 'status', 'periodically', 'cron', 'when', 'timezone', 'sort', 'owner', 'from', 'to', 'q', 'since'];
const PATHS = ['/jobs', '/jobs/{id}', '/jobs/{id}/run', '/jobs/{id}/runs', '/jobs/clean-failed', '/jobs/noop', '/jobs/command', '/jobs/http', '/runs', '/runs/{id}', '/runs/{id}/cancel', '/failures', '/failures/{id}', '/handlers', '/service/state', '/readiness', '/liveness', '/audit', '/metrics', '/{id}', '/jobs/{id}/{id}'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PURGE'];

/** A random JSON-able value, nested up to `depth`. */
function value(depth: number): unknown {
  const r = random();
  if (depth <= 0 || r < 0.5) return pick<unknown>([pick(STRINGS), int(1e6) - 5e5, random() * 1e20, -0, true, false, null, Number.MAX_SAFE_INTEGER * 10]);
  if (r < 0.75) return Array.from({ length: int(4) }, () => value(depth - 1));
  return Object.fromEntries(Array.from({ length: int(5) }, () => [pick([...FIELDS, pick(STRINGS)]), value(depth - 1)]));
}

/** A job-like object: mostly real fields with values of the right and wrong kinds. */
function jobish(): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (random() < 0.8) o.handler = pick(['noop', 'noop', 'command', 'http', 'nope', 1]);
  if (random() < 0.5) o.job_id = pick([`fuzz-${int(1e9)}`, pick(STRINGS), int(10)]);
  for (let i = int(5); i > 0; i--) o[pick(FIELDS)] = random() < 0.5 ? pick(STRINGS) : value(2);
  return o;
}

/** A valid job (some of the fuzz's writes must succeed, or "no partial write" checks nothing). */
function validJob(): Record<string, unknown> {
  const o: Record<string, unknown> = { job_id: `fuzz-${int(1e9)}`, handler: 'noop', periodically: pick(['1d', '5 minutes', '2h']), when: new Date(Date.now() + 86_400_000 + int(1e9)).toISOString() };
  if (random() < 0.5) o[pick(['description', 'misfire_grace_time', 'retries', 'overlap'])] = pick<unknown>(['fuzzed', '30s', 2, 'skip']);
  return o;
}

function body(): string | undefined {
  const r = random();
  if (r < 0.15) return undefined;
  if (r < 0.3) return pick(['{', '{"handler":', 'nul', '[1,2', '"\\ud800"', '{"a":1}}', '\u0000\u0001', '{"handler":"noop",}', 'a=b&c=d', '<xml/>']);
  if (r < 0.35) return JSON.stringify(Array.from({ length: 2000 }, () => jobish()));
  if (r < 0.37) return '['.repeat(5000) + ']'.repeat(5000);
  if (r < 0.38) return `{"handler":"noop","kwargs":{"x":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}}`;
  if (r < 0.4) return JSON.stringify({ handler: 'noop', description: 'x'.repeat(300_000) });
  if (r < 0.7) return JSON.stringify(jobish());
  return JSON.stringify(value(4));
}

function query(): string {
  const n = int(4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = random() < 0.8 ? pick(QUERY_KEYS) : pick(STRINGS);
    const v = random() < 0.7 ? pick(STRINGS) : String(value(0));
    parts.push(`${encode(key)}=${random() < 0.9 ? encode(v) : v.replace(/[#\s]/g, '')}`);
  }
  if (random() < 0.05) parts.push('%E0%A4%A', '&&=&', 'limit=1&limit=2');
  if (random() < 0.05) parts.push(`${pick(QUERY_KEYS)}=${pick(RAW_ESCAPES)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function segment(): string {
  const r = random();
  if (r < 0.3) return 'fuzz-known';
  if (r < 0.5) return `fuzz-${int(1e9)}`;
  if (r < 0.6) return '00000000-0000-0000-0000-000000000000';
  if (r < 0.65) return pick(RAW_ESCAPES);
  return encode(pick(STRINGS)) || 'x';
}

/** One random request against `api` (the /api/v1 base URL). */
export function fuzzRequest(api: string): { method: string; url: string; headers: Record<string, string>; body: string | undefined } {
  // One in twenty is a well-formed create (an optional field sometimes of the wrong kind), so that
  // writes succeed between the malformed ones and "no partial write" is checked against real 201s.
  if (random() < 0.05) return { method: 'POST', url: `${api}/jobs`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(validJob()) };
  const method = pick(METHODS);
  const path = pick(PATHS).replace(/\{id\}/g, () => segment());
  const headers: Record<string, string> = {};
  const r = random();
  if (r < 0.6) headers['content-type'] = 'application/json';
  else if (r < 0.8) headers['content-type'] = pick(['text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '*/*', 'application/problem+json', 'garbage']);
  if (random() < 0.2) headers.authorization = pick(['Bearer ', 'Bearer x', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'a'.repeat(5000), 'token']);
  if (random() < 0.1) headers.accept = pick(['text/html', 'application/xml', '*/*;q=0', '']);
  if (random() < 0.1) headers['x-forwarded-for'] = pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1']);
  if (random() < 0.05) headers['content-encoding'] = pick(['gzip', 'br', 'identity']);
  if (random() < 0.05) headers.origin = pick(['http://evil.example', 'null', 'http://127.0.0.1', 'garbage']);
  if (random() < 0.05) headers['sec-fetch-site'] = pick(['cross-site', 'same-site', 'same-origin', 'none', '?']);
  const withBody = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
  return { method, url: `${api}${path}${query()}`, headers, body: withBody ? body() : undefined };
}

const VALID_JOB = `job_id: fuzz-job
handler: noop
description: A job file the fuzz mutates
periodically: 5 minutes
misfire_grace_time: 30s
overlap: skip
retries: 2
kwargs: {}
`;

/** A YAML job file: a valid one mutated at random, or garbage. */
export function fuzzYaml(i: number): string {
  const r = random();
  if (r < 0.05) return Buffer.from(Array.from({ length: int(400) }, () => int(256))).toString('latin1');
  if (r < 0.1) return 'a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\nhandler: noop\n';
  if (r < 0.15) return `job_id: dup-${i}\njob_id: dup2-${i}\nhandler: noop\nperiodically: 1h\n`;
  if (r < 0.2) return `- job_id: list-${i}\n  handler: noop\n- 1\n- [a, b]\n`;
  let text = VALID_JOB.replace('fuzz-job', `fuzz-job-${i}`);
  for (let m = int(4) + 1; m > 0; m--) {
    const pos = int(text.length);
    const kind = random();
    if (kind < 0.3) text = text.slice(0, pos) + text.slice(pos + 1 + int(5));
    else if (kind < 0.6) text = text.slice(0, pos) + pick([':', '\t', '- ', '{', '"', '\n  ', '&x ', '*x', '!!binary ', '%', '|', '\u0000', '12:61', '-1']) + text.slice(pos);
    else if (kind < 0.8) text = text.replace(pick(['5 minutes', '30s', 'skip', '2', '{}', 'noop']), pick(STRINGS));
    else text += `${pick(FIELDS)}: ${JSON.stringify(value(2))}\n`;
  }
  return text;
}
