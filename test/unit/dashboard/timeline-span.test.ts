// The runs timeline's axis and lane labels (src/dashboard/assets/timeline-span.js), pure functions
// run here in Node: the axis fits the runs drawn within the chosen range; long ids keep head and tail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSpan, laneLabel, MIN_SPAN_MS, tickFormat, type TimelineRun } from '../../../src/dashboard/assets/timeline-span.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const run = (startAgoMs: number, tookMs: number | null, status = 'succeeded'): TimelineRun => ({
  status,
  scheduled_for: iso(NOW - startAgoMs),
  started_at: iso(NOW - startAgoMs),
  finished_at: tookMs === null ? null : iso(NOW - startAgoMs + tookMs),
});

const spanCases: Array<[string, TimelineRun[], number, (a: { from: number; to: number; fitted: boolean }) => void]> = [
  ['no runs: the whole range', [], DAY, (a) => assert.deepEqual(a, { from: NOW - DAY, to: NOW, fitted: false })],
  ['runs of the last 10 minutes in a 24 h range: about 10 minutes drawn', [run(10 * MIN, 1000), run(2 * MIN, 5000)], DAY, (a) => {
    assert.ok(a.fitted);
    assert.ok(a.from < NOW - 10 * MIN && a.from > NOW - 12 * MIN, `from ${iso(a.from)}`);
    assert.ok(a.to > NOW - 2 * MIN && a.to <= NOW + MIN, `to ${iso(a.to)}`);
  }],
  ['one short run: at least the minimum span, the run in its middle', [run(30 * MIN, 200)], DAY, (a) => {
    assert.ok(a.to - a.from >= MIN_SPAN_MS);
    assert.ok(Math.abs((a.from + a.to) / 2 - (NOW - 30 * MIN + 100)) < 1000);
  }],
  ['runs of the last seconds: centred, not against the right edge', [run(8000, 500), run(3000, 500)], DAY, (a) => {
    assert.ok(a.fitted && a.to - a.from >= MIN_SPAN_MS);
    const first = (NOW - 8000 - a.from) / (a.to - a.from);
    assert.ok(first > 0.2 && first < 0.6, `the first run at ${first}`);
  }],
  ['runs spread over the range: the range itself', [run(DAY - MIN, 1000), run(MIN, 1000)], DAY, (a) => assert.deepEqual(a, { from: NOW - DAY, to: NOW, fitted: false })],
  ['a run started before the range: starts at the range', [run(DAY + 5 * MIN, 10 * MIN), run(3 * MIN, 1000)], DAY, (a) => {
    assert.equal(a.from, NOW - DAY);
  }],
  ['a running run reaches now', [run(5 * MIN, null, 'running')], DAY, (a) => {
    assert.ok(a.to >= NOW && a.to <= NOW + MIN, `to ${iso(a.to)}`);
    assert.ok(a.from < NOW - 5 * MIN);
  }],
  ['a run due later (scheduled) is not cut off', [{ status: 'scheduled', scheduled_for: iso(NOW + 2 * MIN) }, run(5 * MIN, 1000)], DAY, (a) => {
    assert.ok(a.to >= NOW + 2 * MIN, `to ${iso(a.to)}`);
  }],
];
for (const [name, runs, range, check] of spanCases) {
  test(`fitSpan: ${name}`, () => check(fitSpan(runs, NOW - range, NOW, NOW)));
}

const labelCases: Array<[string, number, string]> = [
  ['nightly-report', 20, 'nightly-report'],
  ['0f8c6d2e-4b1a-4c3e-9d7f-2a6b8c9e1f00', 36, '0f8c6d2e-4b1a-4c3e-9d7f-2a6b8c9e1f00'],
  ['0f8c6d2e-4b1a-4c3e-9d7f-2a6b8c9e1f00', 20, '0f8c6d2e-4b1a-4…1f00'],
  ['0f8c6d2e-4b1a-4c3e-9d7f-2a6b8c9e1f00', 8, '0f8c6…00'],
  ['abcdefgh', 4, 'abc…'],
];
for (const [name, max, want] of labelCases) {
  test(`laneLabel(${name}, ${max}) = ${want}`, () => {
    const got = laneLabel(name, max);
    assert.equal(got, want);
    assert.ok(got.length <= max);
  });
}

test('tickFormat: seconds for minutes, hours for a day, days for a week', () => {
  assert.ok('second' in tickFormat(5 * MIN));
  assert.ok(!('second' in tickFormat(6 * 60 * MIN)) && 'minute' in tickFormat(6 * 60 * MIN));
  assert.ok('day' in tickFormat(7 * DAY));
});
