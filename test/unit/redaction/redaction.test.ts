import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretName } from '../../../src/redaction/secret-names.ts';
import { redactText } from '../../../src/redaction/redact-text.ts';
import { redactValue } from '../../../src/redaction/redact-value.ts';
import { keepRedacted } from '../../../src/redaction/keep-redacted.ts';

test('secret names: headers, kwargs fields, env variables and query parameters', () => {
  const secret = [
    'Authorization', 'authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'X-Api-Key', 'x-auth-token', 'api_key', 'apiKey', 'APIKEY',
    'API_TOKEN', 'access_token', 'refreshToken', 'GITHUB_TOKEN', 'client_secret', 'SECRET', 'password', 'PGPASSWORD', 'db-passwd', 'credentials',
    'X-Amz-Signature', 'X-Amz-Credential', 'sig', 'pass', 'auth', 'authHeader', 'authentication', 'oauth', 'basicAuth', 'private_key', 'ssh.key',
  ];
  const plain = ['keyboard', 'keynote', 'keys', 'keyId', 'author', 'authority', 'authors', 'url', 'method', 'headers', 'env', 'command', 'PATH', 'HOME', 'user', 'username', 'passenger', 'signal', 'monkeys', 'description', 'max_body_chars'];
  for (const name of secret) assert.equal(isSecretName(name), true, name);
  for (const name of plain) assert.equal(isSecretName(name), false, name);
});

test('free text: URLs, query parameters, header lines, JSON pairs, name=value and bearer credentials', () => {
  const cases: Array<[string, string]> = [
    ['GET https://user:pw@host/x failed', 'GET https://user:***@host/x failed'],
    ['https://u:p@ss@host:8080/?q=1', 'https://u:***@host:8080/?q=1'],
    ['clone https://ghp_abc123@github.com/o/r.git', 'clone https://***@github.com/o/r.git'],
    ['postgres://bosun:s3cret@127.0.0.1:5432/db', 'postgres://bosun:***@127.0.0.1:5432/db'],
    ['http://h/?api_key=CANARY&page=2#frag', 'http://h/?api_key=***&page=2#frag'],
    ['http://h/?X-Amz-Signature=abc&X-Amz-Expires=60', 'http://h/?X-Amz-Signature=***&X-Amz-Expires=60'],
    ['http://u:pw@127.0.0.1:9/?api_key=K&token=T', 'http://u:***@127.0.0.1:9/?api_key=***&token=***'],
    ['Authorization: Bearer abc.def', 'Authorization: ***'],
    ['proxy-authorization:Basic dXNlcjpwdw==\nnext line', 'proxy-authorization:***\nnext line'],
    ['Cookie: sid=1; theme=dark', 'Cookie: ***'],
    ['X-Api-Key: abc', 'X-Api-Key: ***'],
    ['X-Request-Id: 42', 'X-Request-Id: 42'],
    ['body: {"token": "abc", "ok": "yes"}', 'body: {"token": "***", "ok": "yes"}'],
    ['{"password":"a\\"b","user":"u"}', '{"password":"***","user":"u"}'],
    ['--password=hunter2 --user=bob', '--password=*** --user=bob'],
    ['API_TOKEN=abc sh -c run', 'API_TOKEN=*** sh -c run'],
    ['curl -H Bearer eyJhbGciOi.x.y', 'curl -H Bearer ***'],
    ['sort=key&keyboard=qwerty', 'sort=key&keyboard=qwerty'],
    ['ssh://host/path and a@b.c', 'ssh://host/path and a@b.c'],
    ['https://host/users/@me', 'https://host/users/@me'],
    ['error: key not found', 'error: key not found'],
    ['nothing to see here', 'nothing to see here'],
  ];
  for (const [input, expected] of cases) {
    assert.equal(redactText(input), expected, input);
    assert.equal(redactText(expected), expected, `idempotent: ${expected}`);
  }
});

test('kwargs: secret names at any depth, URLs inside strings, other values as they are', () => {
  const kwargs = {
    url: 'http://user:pw@h/?api_key=K&page=1',
    method: 'GET',
    headers: { Authorization: 'Bearer T', 'Content-Type': 'application/json', 'X-Api-Key': 'K2' },
    env: { API_TOKEN: 'T2', PATH: '/usr/bin', EMPTY_SECRET: '' },
    command: ['curl', '-H', 'Authorization: Bearer T3', 'https://u:p@h'],
    credentials: { user: 'bob', nested: ['x', { pin: 1234 }] },
    max_tokens: 1000,
    auth: true,
    json: { items: [{ password: 'p' }], note: null },
  };
  assert.deepEqual(redactValue(kwargs), {
    url: 'http://user:***@h/?api_key=***&page=1',
    method: 'GET',
    headers: { Authorization: '***', 'Content-Type': 'application/json', 'X-Api-Key': '***' },
    env: { API_TOKEN: '***', PATH: '/usr/bin', EMPTY_SECRET: '' },
    command: ['curl', '-H', 'Authorization: ***', 'https://u:***@h'],
    credentials: { user: '***', nested: ['***', { pin: 1234 }] },
    max_tokens: 1000,
    auth: true,
    json: { items: [{ password: '***' }], note: null },
  });
  assert.equal(kwargs.headers.Authorization, 'Bearer T', 'the value given is not changed');
});

test('an update that sends back what was shown keeps the stored secrets; a new value replaces them', () => {
  const stored = { url: 'http://u:pw@h/?api_key=K', headers: { Authorization: 'Bearer T', Accept: 'text/plain' }, env: { A_TOKEN: 'x' }, list: ['https://u:p@a', 'b'] };
  const shown = redactValue(stored) as typeof stored;
  const cases: Array<[string, unknown, unknown]> = [
    ['everything sent back as shown', shown, stored],
    ['one field changed', { ...shown, headers: { ...shown.headers, Accept: 'application/json' } }, { ...stored, headers: { ...stored.headers, Accept: 'application/json' } }],
    ['a secret changed', { ...shown, headers: { ...shown.headers, Authorization: 'Bearer NEW' } }, { ...stored, headers: { ...stored.headers, Authorization: 'Bearer NEW' } }],
    ['a URL changed keeps nothing of the old one', { ...shown, url: 'http://u:***@other/' }, { ...stored, url: 'http://u:***@other/' }],
    ['a field removed', { url: shown.url }, { url: stored.url }],
    ['*** where nothing was stored stays ***', { ...shown, env: { ...shown.env, B_TOKEN: '***' } }, { ...stored, env: { ...stored.env, B_TOKEN: '***' } }],
    ['an array item shown kept by index', { ...shown, list: [shown.list[0], 'c'] }, { ...stored, list: [stored.list[0], 'c'] }],
  ];
  for (const [name, sent, expected] of cases) assert.deepEqual(keepRedacted(sent, stored), expected, name);
});
