// The shape of a JSON body: nesting bounded, every string (keys too) storable, the field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkJsonShape, MAX_JSON_DEPTH } from '../../../../src/api/guards/json-shape.ts';
import { ValidationError } from '../../../../src/errors.ts';

// Built by JSON.parse, as a body is: a recursive builder would overflow first.
const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + '1' + ']'.repeat(depth));

test('JSON shape: the first fault, with its field', () => {
  const cases: Array<[string, unknown, string, string | undefined]> = [
    ['plain job', { handler: 'noop', kwargs: { a: [1, 'ñ☃💥'] } }, '', undefined],
    ['NUL in a value', { description: 'a\u0000b' }, '', 'description'],
    ['NUL deep in kwargs', { kwargs: { x: ['ok', { y: '\u0000' }] } }, '', 'kwargs.x.1.y'],
    ['lone high surrogate', { kwargs: { x: '\ud800' } }, '', 'kwargs.x'],
    ['lone low surrogate', { description: 'a\udc00' }, '', 'description'],
    ['a pair is fine', { description: '\ud83d\udca5' }, '', undefined],
    ['NUL in a key', { kwargs: { 'a\u0000': 1 } }, '', 'kwargs'],
    ['NUL in a top-level key', { 'a\u0000': 1 }, '', 'body'],
    ['a handler body is the kwargs', { x: 'a\u0000' }, 'kwargs.', 'kwargs.x'],
    ['a handler body key', { 'x\ud800': 1 }, 'kwargs.', 'kwargs'],
    ['a bare string body', '\u0000', '', 'body'],
    [`${MAX_JSON_DEPTH} levels pass`, nested(MAX_JSON_DEPTH), '', undefined],
    [`${MAX_JSON_DEPTH + 1} levels do not`, nested(MAX_JSON_DEPTH + 1), '', 'body'],
    ['deep kwargs', { kwargs: { x: nested(100) } }, '', 'kwargs.x'],
    ['deep objects name their members', JSON.parse('{"a":'.repeat(100) + '1' + '}'.repeat(100)), '', Array(MAX_JSON_DEPTH).fill('a').join('.')],
    ['members after an array are not the name', { tags: [{ a: nested(100) }] }, '', 'tags'],
    ['deep handler body', { x: nested(100_000) }, 'kwargs.', 'kwargs.x'],
  ];
  for (const [name, value, prefix, field] of cases) {
    if (field === undefined) {
      assert.doesNotThrow(() => checkJsonShape(value, prefix), name);
      continue;
    }
    assert.throws(() => checkJsonShape(value, prefix), (err: unknown) => err instanceof ValidationError && err.field === field, name);
  }
});
