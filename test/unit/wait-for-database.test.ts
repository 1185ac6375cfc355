import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTransient, shownDatabaseUrl } from '../../src/db/wait-for-database.ts';

const shown: Array<[string, string]> = [
  ['postgres://bosun:s3cret@db:5432/bosun', 'postgres://bosun:***@db:5432/bosun'],
  ['postgres://bosun@db/bosun', 'postgres://bosun@db/bosun'],
  ['postgresql://u:p%40ss@h/x?sslmode=require&password=zz', 'postgresql://u:***@h/x?sslmode=require&password=***'],
  ['postgres://[::1]:5432/x', 'postgres://[::1]:5432/x'],
  ['postgres://u:secret@', 'postgres://u:***@'],
];
for (const [url, expected] of shown) {
  test(`shownDatabaseUrl masks ${expected}`, () => {
    assert.equal(shownDatabaseUrl(url), expected);
  });
}

const transient: Array<[unknown, boolean, string]> = [
  [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true, 'nothing listens yet'],
  [Object.assign(new Error('the database system is starting up'), { code: '57P03' }), true, 'starting up'],
  [Object.assign(new Error('sorry, too many clients already'), { code: '53300' }), true, 'too many connections'],
  [new Error('Connection terminated unexpectedly'), true, 'dropped during the handshake'],
  [Object.assign(new Error('getaddrinfo EAI_AGAIN db'), { code: 'EAI_AGAIN' }), true, 'DNS not answering yet'],
  [Object.assign(new Error('password authentication failed for user "bosun"'), { code: '28P01' }), false, 'a wrong password'],
  [Object.assign(new Error('database "nope" does not exist'), { code: '3D000' }), false, 'a missing database'],
  [Object.assign(new Error('getaddrinfo ENOTFOUND db.invalid'), { code: 'ENOTFOUND' }), false, 'a host name that does not resolve'],
];
for (const [err, expected, why] of transient) {
  test(`isTransient: ${why} → ${expected}`, () => {
    assert.equal(isTransient(err), expected);
  });
}
