import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, editDistance, suggest } from '../../src/suggest.ts';

const HANDLERS = ['command', 'function', 'http', 'noop', 'flow-scheduling'];
const FIELDS = ['job_id', 'handler', 'kwargs', 'description', 'state', 'periodically', 'cron', 'rrule', 'dates', 'timeout', 'retries', 'retry_delay', 'retry_backoff'];
const COMMANDS = ['serve', 'migrate', 'jobs', 'runs', 'failures', 'tokens', 'validate'];

const distances: Array<[string, string, number]> = [
  ['', '', 0],
  ['', 'abc', 3],
  ['abc', '', 3],
  ['command', 'command', 0],
  ['comand', 'command', 1],
  ['commnad', 'command', 1], // a swap is one edit
  ['kitten', 'sitting', 3],
  ['ca', 'abc', 3], // optimal string alignment, not full Damerau
];
for (const [a, b, expected] of distances) {
  test(`editDistance(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${expected}`, () => {
    assert.equal(editDistance(a, b), expected);
    assert.equal(editDistance(b, a), expected);
  });
}

const suggestions: Array<[string, string[], string | undefined, string]> = [
  ['comand', HANDLERS, 'command', 'a missing letter'],
  ['commnad', HANDLERS, 'command', 'two letters swapped'],
  ['Command', HANDLERS, 'command', 'case is ignored'],
  ['htp', HANDLERS, 'http', 'short names allow one edit'],
  ['flow_scheduling', HANDLERS, 'flow-scheduling', '- and _ are the same'],
  ['shell', HANDLERS, undefined, 'nothing close'],
  ['command', HANDLERS, undefined, 'a known name needs no suggestion'],
  ['', HANDLERS, undefined, 'empty input'],
  ['x', HANDLERS, undefined, 'one letter is not a typo of anything'],
  ['periodicaly', FIELDS, 'periodically', 'a field'],
  ['hanlder', FIELDS, 'handler', 'a swap in a field'],
  ['retry_dely', FIELDS, 'retry_delay', 'a field with an underscore'],
  ['retrys', FIELDS, 'retries', 'two edits in a six-letter name'],
  ['timout', FIELDS, 'timeout', 'a dropped letter'],
  ['jbos', COMMANDS, 'jobs', 'a CLI command'],
  ['run', COMMANDS, 'runs', 'a CLI command missing its s'],
  ['servce', COMMANDS, 'serve', 'a CLI command with a wrong letter'],
  ['cat', ['bat', 'car'], undefined, 'a tie suggests nothing'],
  ['a'.repeat(1000), ['a'.repeat(999)], undefined, 'very long input is not compared'],
];
for (const [input, known, expected, why] of suggestions) {
  test(`suggest(${JSON.stringify(input.slice(0, 20))}) → ${expected ?? 'nothing'}: ${why}`, () => {
    assert.equal(suggest(input, known), expected);
  });
}

test('didYouMean is the message tail, empty without a suggestion', () => {
  assert.equal(didYouMean('command'), "; did you mean 'command'?");
  assert.equal(didYouMean(undefined), '');
});
