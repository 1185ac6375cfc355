// The http target policy as a table: which (host, address, port) each setting lets through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHttpTarget, httpTargetPolicy, HttpTargetRefusedError } from '../../../src/handlers/http-target-guard.ts';
import { parseHttpTarget } from '../../../src/handlers/http-target-rules.ts';

type Row = [allow: string[], deny: string[], host: string, address: string, port: number, refused: RegExp | null];

const rows: Row[] = [
  // Defaults: loopback, private and public addresses pass; metadata and link-local do not.
  [['*'], [], '127.0.0.1', '127.0.0.1', 34000, null],
  [['*'], [], 'localhost', '::1', 34000, null],
  [['*'], [], 'intranet', '10.1.2.3', 443, null],
  [['*'], [], 'example.com', '93.184.215.14', 443, null],
  [['*'], [], '169.254.169.254', '169.254.169.254', 80, /is link-local .*allow it with BOSUN_HTTP_ALLOW/],
  [['*'], [], 'metadata.google.internal', '169.254.169.254', 80, /^metadata\.google\.internal \(169\.254\.169\.254\):80 is link-local/],
  [['*'], [], '::ffff:a9fe:a9fe', '::ffff:a9fe:a9fe', 80, /is link-local/],
  [['*'], [], 'fd00:ec2::254', 'fd00:ec2::254', 80, /AWS metadata/],
  [['*'], [], 'fe80::1', 'fe80::1', 80, /link-local \(fe80::\/10\)/],
  [['*'], [], '100.100.100.200', '100.100.100.200', 80, /Alibaba/],
  [['*'], [], '0.0.0.0', '0.0.0.0', 80, /this network/],
  [['*'], [], '::', '::', 80, /unspecified/],
  // An entry naming a metadata target lifts the default refusal; `*` alone does not.
  [['169.254.169.254', '*'], [], '169.254.169.254', '169.254.169.254', 80, null],
  [['169.254.169.254', '*'], [], 'example.com', '93.184.215.14', 443, null],
  [['metadata.google.internal'], [], 'metadata.google.internal', '169.254.169.254', 80, null],
  [['*:443'], [], 'example.com', '93.184.215.14', 80, /is not in BOSUN_HTTP_ALLOW \(\*:443\)/],
  // An allow list without `*` is the only way out.
  [['api.example.com'], [], 'api.example.com', '93.184.215.14', 443, null],
  [['api.example.com'], [], 'example.com', '93.184.215.14', 443, /is not in BOSUN_HTTP_ALLOW/],
  [['*.example.com'], [], 'a.b.example.com', '93.184.215.14', 443, null],
  [['*.example.com'], [], 'example.com', '93.184.215.14', 443, /is not in BOSUN_HTTP_ALLOW/],
  [['10.0.0.0/8'], [], 'anything', '10.9.9.9', 80, null],
  [['[::1]:8080'], [], '::1', '::1', 8080, null],
  [['[::1]:8080'], [], '::1', '::1', 8081, /is not in BOSUN_HTTP_ALLOW/],
  // Deny wins over everything.
  [['*'], ['127.0.0.1:5432'], '127.0.0.1', '127.0.0.1', 5432, /refused by BOSUN_HTTP_DENY entry '127\.0\.0\.1:5432'/],
  [['*'], ['127.0.0.1:5432'], '127.0.0.1', '127.0.0.1', 34000, null],
  [['*'], ['10.0.0.0/8'], 'intranet', '::ffff:10.0.0.1', 80, /BOSUN_HTTP_DENY entry '10\.0\.0\.0\/8'/],
  [['127.0.0.1'], ['127.0.0.0/8'], '127.0.0.1', '127.0.0.1', 80, /BOSUN_HTTP_DENY/],
  [['*'], ['*.internal'], 'db.internal', '10.0.0.5', 80, /BOSUN_HTTP_DENY entry '\*\.internal'/],
];

for (const [allow, deny, host, address, port, refused] of rows) {
  test(`allow ${allow.join(',')} deny ${deny.join(',') || '-'}: ${host} (${address}):${port} ${refused ? 'refused' : 'allowed'}`, () => {
    const check = () => checkHttpTarget(httpTargetPolicy(allow, deny), host, address, port);
    if (refused === null) assert.doesNotThrow(check);
    else assert.throws(check, (err: unknown) => err instanceof HttpTargetRefusedError && refused.test(err.message));
  });
}

const badEntries: Array<[string, RegExp]> = [
  ['10.0.0.0/33', /prefix \/33 is not 0 to 32/],
  ['fd00::/129', /prefix \/129 is not 0 to 128/],
  ['host:0', /port 0 is not 1 to 65535/],
  ['host:99999', /port 99999/],
  ['http://example.com', /is not \*, an IP address, a CIDR or a host name/],
  ['exa mple.com', /is not \*/],
  ['1.2.3.4/8/9', /is not \*/],
];
for (const [entry, message] of badEntries) {
  test(`refuses the entry '${entry}'`, () => assert.throws(() => parseHttpTarget(entry), message));
}
