// src/process/fatal.ts in a real child process: what escapes from a handler's code fails its run
// only; what escapes from bosun's own code, or a handler's process.exit, is logged and stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnLogged } from '../../helpers/process.ts';

const CHILD = new URL('./fixtures/fatal-child.ts', import.meta.url).pathname;

const cases: Array<{ name: string; code: number; lines: Array<{ level: number; msg: RegExp; run_id?: string; reason?: RegExp; stack?: RegExp }>; stopped: boolean }> = [
  { name: 'bosun-throws-from-timer', code: 3, stopped: true, lines: [{ level: 60, msg: /^uncaught exception in bosun: stopping$/, stack: /Error: bosun broke\n\s+at / }] },
  { name: 'bosun-rejects', code: 3, stopped: true, lines: [{ level: 60, msg: /^unhandled rejection in bosun: stopping$/, stack: /Error: bosun rejected/ }] },
  {
    name: 'handler-throws-from-timer',
    code: 0,
    stopped: false,
    lines: [
      { level: 30, msg: /^run failed$/, reason: /^UncaughtInHandler: uncaught exception: handler broke$/ },
      { level: 50, msg: /^uncaught exception in handler careless: its run fails$/, run_id: 'run-1', stack: /RangeError: handler broke/ },
    ],
  },
  {
    name: 'handler-rejects',
    code: 0,
    stopped: false,
    lines: [{ level: 30, msg: /^run failed$/, reason: /^UncaughtInHandler: unhandled rejection: handler rejected$/ }],
  },
  {
    name: 'handler-exits',
    code: 3,
    stopped: true,
    lines: [
      { level: 60, msg: /^process\.exit\(7\) called by handler careless in run run-1: the run fails and bosun stops$/, run_id: 'run-1' },
      { level: 30, msg: /^run failed$/, reason: /^HandlerCalledExit: process\.exit\(7\) called by handler careless in run run-1$/ },
    ],
  },
  { name: 'bosun-exits', code: 0, stopped: false, lines: [] },
];

for (const c of cases) {
  test(`fatal handlers: ${c.name}`, async () => {
    const child = spawnLogged(process.execPath, [CHILD, c.name], process.env);
    const exited = await child.exited;
    const out = child.output();
    assert.equal(exited.code, c.code, out);
    assert.equal(child.lines.some((l) => l.msg === 'stop called'), c.stopped, out);
    for (const want of c.lines) {
      const line = child.lines.find((l) => l.level === want.level && want.msg.test(String(l.msg)));
      assert.ok(line, `a level ${want.level} line ${want.msg}; output:\n${out}`);
      if (want.run_id) assert.equal(line.run_id, want.run_id);
      if (want.reason) assert.match(String(line.reason), want.reason);
      if (want.stack) assert.match(String((line.err as { stack?: string } | undefined)?.stack), want.stack);
    }
    // What a run takes is not fatal to the process.
    if (!c.stopped) assert.ok(!child.lines.some((l) => l.level === 60), out);
  });
}
