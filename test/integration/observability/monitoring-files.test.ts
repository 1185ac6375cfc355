// ops/: the Grafana dashboard and the Prometheus alert rules shipped for bosun's metrics.
// promtool (Debian's prometheus package, fetched by `npm test`'s pretest: scripts/ensure-promtool.ts)
// checks the rules and runs their unit tests, and parses every dashboard query; a real bosun's
// /metrics is scraped and every metric a query or a rule names must be one it exports.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createTestDatabase } from '../../helpers/database.ts';
import { adminToken, ROOT, serviceEnv, startService } from '../../helpers/browser.ts';
import { promtoolPath } from '../../../scripts/ensure-promtool.ts';

const RULES = join(ROOT, 'ops/prometheus/bosun-alerts.yml');
const RULES_TESTS = join(ROOT, 'ops/prometheus/bosun-alerts.test.yml');
const DASHBOARD = join(ROOT, 'ops/grafana/bosun-dashboard.json');
const PROMTOOL = promtoolPath();

/** Metrics Prometheus itself makes, not bosun. */
const PROMETHEUS_OWN = new Set(['up']);

function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { encoding: 'utf8', cwd: join(ROOT, 'ops/prometheus') });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error?.message ?? ''}` };
}

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

async function dashboardQueries(): Promise<{ panel: string; expr: string }[]> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Panel[]; templating: { list: { name: string; definition?: string }[] } };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
  for (const v of dashboard.templating.list) {
    const m = v.definition && /^label_values\((.+),\s*\w+\)$/.exec(v.definition);
    if (m) queries.push({ panel: `variable $${v.name}`, expr: m[1]! });
  }
  return queries;
}

async function alertRules(): Promise<{ alert: string; expr: string }[]> {
  const file = parse(await readFile(RULES, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return file.groups.flatMap((g) => g.rules);
}

/** Grafana's variables replaced by what Prometheus accepts in their place. */
function asPromql(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replace(/\$\w+/g, '.*');
}

/** Series names an expression reads: identifiers followed by `{`, `[` or `)`, or standing alone, that are not functions or keywords. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutGroupings = withoutStrings.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const m of withoutGroupings.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)) {
    const word = m[1]!;
    const before = withoutGroupings.slice(0, m.index);
    if (/\{[^}]*$/.test(before)) continue; // a label name inside a matcher
    if (/^(?:and|or|unless|offset|bool|le|inf|nan|[0-9].*|[smhdwy])$/i.test(word)) continue;
    if (/\[[^\]]*$/.test(before)) continue; // a duration such as [15m:1m]
    names.add(word);
  }
  return [...names];
}

test('metricNames() finds the series a query reads, and only them', () => {
  assert.deepEqual(metricNames('sum by (handler) (rate(bosun_runs_total{status=~"failed|x"}[15m])) / sum(rate(bosun_runs_total[15m])) > 0.1'), ['bosun_runs_total']);
  assert.deepEqual(metricNames('min_over_time(max(bosun_queue_depth{state="ready"})[15m:1m]) > 0 and on() sum(bosun_runs_in_progress) > 0'), ['bosun_queue_depth', 'bosun_runs_in_progress']);
  assert.deepEqual(metricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket{trigger="schedule"}[10m]))) > 30'), ['x_bucket']);
  assert.deepEqual(metricNames('up{job="bosun"} == 0'), ['up']);
});

test('the alert rules pass promtool check rules and their unit tests', () => {
  assert.ok(existsSync(PROMTOOL), `${PROMTOOL} is missing: 'npm test' fetches it (scripts/ensure-promtool.ts), or apt-get install prometheus`);
  const check = promtool('check', 'rules', RULES);
  assert.equal(check.status, 0, check.output);
  assert.match(check.output, /SUCCESS: \d+ rules found/);
  const unit = promtool('test', 'rules', RULES_TESTS);
  assert.equal(unit.status, 0, unit.output);
});

test("every dashboard query is PromQL that promtool parses", async () => {
  const queries = await dashboardQueries();
  assert.ok(queries.length >= 15, 'the dashboard has its queries');
  // promtool parses expressions only inside rule files: each query becomes a recording rule.
  const dir = await mkdtemp(join(tmpdir(), 'bosun-grafana-queries-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'queries.yml');
  const rules = queries.map((q, i) => ({ record: `bosun_dashboard:query_${i}`, expr: asPromql(q.expr) }));
  await writeFile(file, stringify({ groups: [{ name: 'grafana', rules }] }));
  const check = promtool('check', 'rules', file);
  assert.equal(check.status, 0, check.output);
});

test('the dashboard and the rules read only metrics a real bosun exports', async () => {
  const databaseUrl = await createTestDatabase('bosun_monitoring');
  const noDefaults = await mkdtemp(join(tmpdir(), 'bosun-no-default-jobs-'));
  after(() => rm(noDefaults, { recursive: true, force: true }));
  const { base } = await startService(serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_AUTH: 'on', BOSUN_DEFAULT_JOBS_DIR: noDefaults }));
  const token = await adminToken(databaseUrl);
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  const exposition = await res.text();

  // A labelled series appears only once observed, but its # TYPE line is always there.
  const exported = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    exported.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) exported.add(name + suffix);
  }
  assert.ok(exported.has('bosun_runs_total') && exported.has('process_cpu_seconds_total'), 'the scrape is bosun’s');

  const used = [
    ...(await dashboardQueries()).map((q) => ({ where: `dashboard panel "${q.panel}"`, expr: q.expr })),
    ...(await alertRules()).map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
  ];
  const unknown = used.flatMap(({ where, expr }) => metricNames(asPromql(expr)).filter((n) => !exported.has(n) && !PROMETHEUS_OWN.has(n)).map((n) => `${where}: ${n}`));
  assert.deepEqual(unknown, [], 'metrics bosun does not export');
  // Every bosun_ metric is shown somewhere on the dashboard.
  const onDashboard = new Set((await dashboardQueries()).flatMap((q) => metricNames(asPromql(q.expr))));
  const bosunMetrics = [...exposition.matchAll(/^# TYPE (bosun_\S+) (\S+)$/gm)].map((m) => (m[2] === 'histogram' ? `${m[1]}_bucket` : m[1]!));
  assert.deepEqual(bosunMetrics.filter((n) => !onDashboard.has(n)), [], 'bosun metrics missing from the dashboard');
});
