// Which failed writes are the data's fault (never retried as they are) and which may pass when tried again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failsForTheData, sqlState } from '../../../src/worker/data-error.ts';

const pgError = (code: string) => Object.assign(new Error('x'), { code });
const cases: Array<{ name: string; err: unknown; data: boolean }> = [
  { name: 'invalid byte sequence (22021)', err: pgError('22021'), data: true },
  { name: 'unsupported Unicode escape (22P05)', err: pgError('22P05'), data: true },
  { name: 'invalid JSON text (22P02)', err: pgError('22P02'), data: true },
  { name: 'not-null violation (23502)', err: pgError('23502'), data: true },
  { name: 'program limit exceeded (54000)', err: pgError('54000'), data: true },
  { name: 'a value the driver cannot serialise', err: new TypeError('Do not know how to serialize a BigInt'), data: true },
  { name: 'a string too long to build', err: new RangeError('Invalid string length'), data: true },
  { name: 'connection refused', err: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), data: false },
  { name: 'connection failure (08006)', err: pgError('08006'), data: false },
  { name: 'admin shutdown (57P01)', err: pgError('57P01'), data: false },
  { name: 'deadlock (40P01)', err: pgError('40P01'), data: false },
  { name: 'pool timeout, no code', err: new Error('timeout exceeded when trying to connect'), data: false },
  { name: 'not an error', err: 'boom', data: false },
  { name: 'null', err: null, data: false },
];
for (const c of cases) test(`failsForTheData: ${c.name}`, () => assert.equal(failsForTheData(c.err), c.data));

test('sqlState: only a five-character SQLSTATE', () => {
  assert.equal(sqlState(pgError('22021')), '22021');
  assert.equal(sqlState(pgError('ECONNREFUSED')), undefined);
  assert.equal(sqlState(undefined), undefined);
});
