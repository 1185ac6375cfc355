// The one rule for outcomes PostgreSQL cannot hold as they are (src/worker/storable.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_TEXT_MAX_CHARS, RESULT_MAX_BYTES, storableOutcome, storableValue } from '../../../src/worker/storable.ts';

const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;
const shared = { x: 1 };
const deep: Record<string, unknown> = {};
let cursor = deep;
for (let i = 0; i < 150; i++) cursor = cursor.next = {} as Record<string, unknown>;

const valueCases: Array<{ name: string; value: unknown; stored: unknown; changes: string[] }> = [
  { name: 'plain JSON as is', value: { a: 1, b: ['x', true, null] }, stored: { a: 1, b: ['x', true, null] }, changes: [] },
  { name: 'undefined as null', value: undefined, stored: null, changes: [] },
  { name: 'paired surrogates (emoji) as is', value: 'ok 😀', stored: 'ok 😀', changes: [] },
  { name: 'a literal backslash-u text as is', value: '\\u0000', stored: '\\u0000', changes: [] },
  { name: 'NUL in a string', value: 'a\u0000b', stored: 'a\ufffdb', changes: ['NUL characters replaced with U+FFFD'] },
  { name: 'NUL in a key', value: { 'k\u0000': 1 }, stored: { 'k\ufffd': 1 }, changes: ['NUL characters replaced with U+FFFD'] },
  { name: 'a lone high surrogate', value: '\ud800', stored: '\ufffd', changes: ['lone surrogates replaced with U+FFFD'] },
  { name: 'a lone low surrogate, nested', value: { a: ['x\udc00y'] }, stored: { a: ['x\ufffdy'] }, changes: ['lone surrogates replaced with U+FFFD'] },
  { name: 'BigInt as its text', value: { n: 10n }, stored: { n: '10' }, changes: ['BigInt values written as strings'] },
  { name: 'a bare BigInt', value: 2n ** 70n, stored: '1180591620717411303424', changes: ['BigInt values written as strings'] },
  { name: 'a cycle', value: cyclic, stored: { a: 1, self: '[Circular]' }, changes: ['circular references replaced with "[Circular]"'] },
  { name: 'one object twice is no cycle', value: { p: shared, q: shared, n: 1n }, stored: { p: { x: 1 }, q: { x: 1 }, n: '1' }, changes: ['BigInt values written as strings'] },
  { name: 'NaN and Infinity as null', value: [NaN, Infinity, 1], stored: [null, null, 1], changes: [] },
  { name: 'a Date through toJSON, with a BigInt beside', value: { at: new Date('2030-01-01T00:00:00Z'), n: 1n }, stored: { at: '2030-01-01T00:00:00.000Z', n: '1' }, changes: ['BigInt values written as strings'] },
  { name: 'a throwing getter', value: { get x(): never { throw new Error('no\u0000pe'); }, n: 1n }, stored: { unserialisable: true, reason: 'no\ufffdpe' }, changes: ['NUL characters replaced with U+FFFD', 'unserialisable value replaced'] },
];

for (const c of valueCases) {
  test(`storableValue: ${c.name}`, () => {
    const got = storableValue(c.value, RESULT_MAX_BYTES);
    // As stored: the repository writes JSON.stringify of it.
    const json = JSON.stringify(got.value);
    assert.deepEqual(JSON.parse(json), c.stored);
    assert.deepEqual(got.changes, c.changes);
    // Whatever came out, jsonb takes it: no NUL, no lone surrogate.
    assert.ok(!/\\u(?:0000|d[89a-f])/i.test(json.replaceAll('\\\\', '')), json);
  });
}

test('storableValue: nesting past 100 levels is cut', () => {
  const got = storableValue({ deep, n: 1n }, RESULT_MAX_BYTES);
  assert.ok(JSON.stringify(got.value).includes('[Too deep]'));
  assert.ok(got.changes.includes('nesting past 100 levels replaced with "[Too deep]"'));
});

test('storableValue: past the cap, a summary with the start of the JSON', () => {
  const got = storableValue('x'.repeat(RESULT_MAX_BYTES + 10), RESULT_MAX_BYTES);
  const summary = got.value as { truncated: boolean; bytes: number; preview: string };
  assert.equal(summary.truncated, true);
  assert.equal(summary.bytes, RESULT_MAX_BYTES + 12);
  assert.equal(summary.preview.length, 1024);
  assert.deepEqual(got.changes, [`truncated: ${RESULT_MAX_BYTES + 12} bytes past the cap of ${RESULT_MAX_BYTES}`]);
  // A preview cut in the middle of a surrogate pair keeps no half of it.
  const emoji = storableValue('😀'.repeat(RESULT_MAX_BYTES), RESULT_MAX_BYTES).value as { preview: string };
  assert.ok(emoji.preview.isWellFormed());
});

const at = new Date('2030-01-01T00:00:00Z');
const outcomeCases: Array<{ name: string; outcome: Parameters<typeof storableOutcome>[0]; stored: unknown; marker: string[] | null }> = [
  { name: 'a clean success is untouched', outcome: { result: { ok: 1 }, log: [{ at: 'x', level: 'info', msg: 'hi' }] }, stored: { result: { ok: 1 }, log: [{ at: 'x', level: 'info', msg: 'hi' }] }, marker: null },
  {
    name: 'a command printing NUL and binary: result and log lines',
    outcome: { result: { exit_code: 0, stdout_tail: 'a\u0000b\ud83d' }, log: [{ at: 'x', level: 'info', msg: 'a\u0000b', data: { stream: 'stdout' } }] },
    stored: { result: { exit_code: 0, stdout_tail: 'a\ufffdb\ufffd' }, log: [{ at: 'x', level: 'info', msg: 'a\ufffdb', data: { stream: 'stdout' } }] },
    marker: ['result: NUL characters replaced with U+FFFD', 'result: lone surrogates replaced with U+FFFD', 'log: NUL characters replaced with U+FFFD'],
  },
  {
    name: 'an error with NUL in its message and a stack past the cap',
    outcome: { error: { name: 'Err\u0000', message: 'bad\u0000', stack: 's'.repeat(ERROR_TEXT_MAX_CHARS + 5) }, log: [] },
    stored: { error: { name: 'Err\ufffd', message: 'bad\ufffd', stack: `${'s'.repeat(ERROR_TEXT_MAX_CHARS)}… (5 more characters)` }, log: [] },
    marker: ['error: NUL characters replaced with U+FFFD', `error: text cut at ${ERROR_TEXT_MAX_CHARS} characters`],
  },
];

for (const c of outcomeCases) {
  test(`storableOutcome: ${c.name}`, () => {
    const frozen = structuredClone(c.outcome);
    const got = storableOutcome(c.outcome, at);
    assert.deepEqual(c.outcome, frozen, 'the outcome given is not modified');
    if (c.marker === null) {
      assert.deepEqual(got, c.stored);
      return;
    }
    const last = got.log.at(-1)!;
    assert.deepEqual({ ...got, log: got.log.slice(0, -1) }, c.stored);
    assert.deepEqual(last, { at: at.toISOString(), level: 'warn', msg: `outcome stored made safe: ${c.marker.join('; ')}`, data: { sanitised: c.marker } });
  });
}
