import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceUrl, serviceUrlFromEnv } from '../../src/service-url.ts';
import { loadConfig } from '../../src/config.ts';
import { clientOptionsFrom } from '../../src/cli/http-client.ts';

const cases: Array<[Record<string, string>, string, string]> = [
  [{}, 'http://127.0.0.1:34000', 'the defaults'],
  [{ PORT: '8080' }, 'http://127.0.0.1:8080', 'PORT moves it'],
  [{ HOST: 'bosun.internal', PORT: '9000' }, 'http://bosun.internal:9000', 'a host name'],
  [{ HOST: '0.0.0.0' }, 'http://127.0.0.1:34000', 'every IPv4 interface: reached on loopback'],
  [{ HOST: '::' }, 'http://[::1]:34000', 'every IPv6 interface: reached on loopback'],
  [{ HOST: '::1', PORT: '1' }, 'http://[::1]:1', 'an IPv6 literal is bracketed'],
  [{ PORT: '0' }, 'http://127.0.0.1:34000', 'PORT=0 (any free port) cannot be guessed: the default'],
  [{ PORT: 'eighty' }, 'http://127.0.0.1:34000', 'a PORT that is not a number: the default'],
];
for (const [env, expected, why] of cases) {
  test(`service URL from ${JSON.stringify(env)}: ${why}`, () => {
    assert.equal(serviceUrlFromEnv(env), expected);
    assert.equal(clientOptionsFrom({}, env).url, expected, 'the CLI uses it');
  });
}

test('the CLI prefers --url, then BOSUN_URL, to HOST and PORT', () => {
  assert.equal(clientOptionsFrom({ url: 'http://a:1' }, { BOSUN_URL: 'http://b:2', PORT: '3' }).url, 'http://a:1');
  assert.equal(clientOptionsFrom({}, { BOSUN_URL: 'http://b:2', PORT: '3' }).url, 'http://b:2');
});

test('the service and the URL agree on the defaults', () => {
  const config = loadConfig({}, '/srv');
  assert.equal(serviceUrl(config.host, config.port), serviceUrlFromEnv({}));
});
