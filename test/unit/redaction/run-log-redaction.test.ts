import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunLogLine } from '../../../src/db/schema.ts';
import { OutputCapture } from '../../../src/handlers/output-capture.ts';
import { createRunLogger, type ProcessLog } from '../../../src/worker/run-log.ts';

/** A process log that keeps what each level was given. */
function capturingLog() {
  const written: Array<{ level: RunLogLine['level']; data: object; msg: string }> = [];
  const at = (level: RunLogLine['level']) => (data: object, msg: string) => void written.push({ level, data, msg });
  const log: ProcessLog = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, written };
}

test('run-log lines are redacted in the run row and in the process log', () => {
  const { log, written } = capturingLog();
  const runLog = createRunLogger(log);
  runLog.info('GET http://u:CANARY1@h/?api_key=CANARY2 → 500', { headers: { Authorization: 'Bearer CANARY3' }, status: 500 });
  runLog.error('env', { env: { API_TOKEN: 'CANARY4', PATH: '/bin' } });
  const stored = JSON.stringify(runLog.lines());
  const logged = JSON.stringify(written);
  for (const canary of ['CANARY1', 'CANARY2', 'CANARY3', 'CANARY4']) {
    assert.ok(!stored.includes(canary), `${canary} in the run row: ${stored}`);
    assert.ok(!logged.includes(canary), `${canary} in the process log: ${logged}`);
  }
  assert.equal(runLog.lines()[0]!.msg, 'GET http://u:***@h/?api_key=*** → 500');
  assert.deepEqual(runLog.lines()[1]!.data, { env: { API_TOKEN: '***', PATH: '/bin' } });
  assert.deepEqual(written.map((w) => w.level), ['info', 'error'], 'a handler\'s own lines keep their level');
});

test('a program\'s output stays in the run log at its level and reaches the process log at debug only', () => {
  const { log, written } = capturingLog();
  const runLog = createRunLogger(log);
  const output = new OutputCapture(runLog, 100, 1000);
  output.write('stdout', 'DATABASE_URL=postgres://bosun:CANARY5@127.0.0.1/db\nplain line\n');
  output.write('stderr', 'warning: password=CANARY6\n');
  output.finish();
  assert.deepEqual(runLog.lines().map((l) => [l.level, l.msg]), [
    ['info', 'DATABASE_URL=postgres://bosun:***@127.0.0.1/db'],
    ['info', 'plain line'],
    ['warn', 'warning: password=***'],
  ]);
  assert.deepEqual(written.map((w) => w.level), ['debug', 'debug', 'debug']);
  for (const stream of ['stdout', 'stderr'] as const) assert.ok(!/CANARY/.test(output.tail(stream)), `the ${stream} tail is redacted: ${output.tail(stream)}`);
});
