// Which Host headers bosun serves: loopback names, IP literals and listed names; nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostName, isServedHost } from '../../../../src/api/guards/served-hosts.ts';

test('Host headers: served or refused', () => {
  const allowed = ['jobs.example.com', '*.internal.example'];
  const cases: Array<[string, boolean]> = [
    ['localhost', true],
    ['localhost:34000', true],
    ['LOCALHOST:34000', true],
    ['app.localhost:8080', true],
    ['127.0.0.1:34000', true],
    ['10.1.2.3', true],
    ['[::1]:34000', true],
    ['[2001:db8::1]', true],
    ['jobs.example.com', true],
    ['jobs.example.com:443', true],
    ['jobs.example.com.', true],
    ['a.internal.example', true],
    ['b.a.internal.example:1', true],
    ['internal.example', false],
    ['evil.example', false],
    ['evil.example:34000', false],
    ['localhost.evil.example', false],
    ['evil-localhost', false],
    ['jobs.example.com.evil.example', false],
    ['127.0.0.1.nip.io', false],
    ['', false],
    ['a b', false],
    ['[::1', false],
    ['user@localhost', false],
  ];
  for (const [header, served] of cases) assert.equal(isServedHost(header, allowed), served, header);
});

test('Host names: port and brackets removed, lower case', () => {
  const cases: Array<[string, string | undefined]> = [
    ['Example.COM:80', 'example.com'],
    ['[::1]:1', '::1'],
    ['x.', 'x'],
    ['a:b:c', undefined],
    ['a/b', undefined],
  ];
  for (const [header, name] of cases) assert.equal(hostName(header), name, header);
});
