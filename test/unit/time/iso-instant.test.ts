import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoInstant } from '../../../src/time/iso-instant.ts';

test('isoInstant writes what toISOString writes', () => {
  const edges = [
    0, -1, 1, 951_782_400_000 /* 2000-02-29 */, 4_107_542_400_000 /* 2100-03-01 */, -2_208_988_800_000 /* 1900-01-01 */,
    -62_167_219_200_000 /* 0000-01-01 */, -62_167_219_200_001 /* -000001-12-31 */, 253_402_300_799_999 /* 9999-12-31 */,
    253_402_300_800_000 /* +010000-01-01 */, 8.64e15, -8.64e15, Date.UTC(2026, 10, 23, 5, 16, 0, 123),
  ];
  for (const ms of edges) assert.equal(isoInstant(new Date(ms)), new Date(ms).toISOString(), String(ms));
  // A wide random sample: every year 0000–9999, every millisecond of the day.
  for (let i = 0; i < 200_000; i++) {
    const ms = Math.floor(-62_167_219_200_000 + Math.random() * (253_402_300_799_999 + 62_167_219_200_000));
    assert.equal(isoInstant(new Date(ms)), new Date(ms).toISOString(), String(ms));
  }
});

test('isoInstant throws on an invalid date, as toISOString does', () => {
  assert.throws(() => isoInstant(new Date(Number.NaN)), RangeError);
});
