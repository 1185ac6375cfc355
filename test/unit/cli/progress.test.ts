import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress } from '../../../src/cli/progress.ts';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { isTTY, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

test('without a terminal: one plain line per status change, no control characters', () => {
  const { stream, text } = fakeStream(false);
  const progress = createProgress(stream, 'run r1');
  for (const status of ['scheduled', 'scheduled', 'running', 'running', 'succeeded']) progress.update(status);
  progress.stop();
  assert.equal(text(), 'run r1: scheduled\nrun r1: running\nrun r1: succeeded\n');
});

test('on a terminal: a spinner line rewritten in place with the elapsed time, cleared on stop', () => {
  const { stream, text } = fakeStream(true);
  let now = 1000;
  const progress = createProgress(stream, 'run r1', () => now);
  progress.update('scheduled');
  now = 3500;
  progress.update('running');
  progress.stop();
  assert.equal(text(), '\r\x1b[2K⠋ run r1: scheduled (0.0s)\r\x1b[2K⠙ run r1: running (2.5s)\r\x1b[2K');
  assert.doesNotMatch(text(), /\n/);
});
