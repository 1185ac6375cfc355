// Issue 24, attack 1: a page of another origin (127.0.0.2, in real Chromium) makes the browser
// POST a `command` job to bosun on 127.0.0.1, default auth (`auto`: open on loopback). The
// browser sends the requests (bosun's metrics count them) and bosun refuses every one: no job,
// no marker file. The same body from curl, which no page can make a browser send, still works.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../helpers/database.ts';
import { assertChromium, launchChromium, serviceEnv, startService, watchedPage } from '../helpers/browser.ts';

/** The attacker's page: three forged writes, then the title says they are done. */
function attackPage(target: string, marker: string): string {
  const body = JSON.stringify({ command: ['sh', '-c', `touch ${marker}`] });
  return `<!doctype html><title>attack</title><script>
  const target = ${JSON.stringify(target)}, body = ${JSON.stringify(body)};
  const attempts = [
    fetch(target, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }),
    fetch(target, { method: 'POST', mode: 'cors', headers: { 'content-type': 'text/plain' }, body }),
    fetch(target, { method: 'POST', mode: 'cors', headers: { 'content-type': 'application/json' }, body }),
  ];
  Promise.allSettled(attempts).then((results) => { document.title = 'done ' + results.map((r) => r.status).join(','); });
  </script>`;
}

/** bosun_http_requests_total by status for POSTs to the handler endpoint. */
async function postCounts(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^bosun_http_requests_total\{method="POST",route="\/api\/v1\/jobs\/:handler",status="(\d+)"\} (\d+)/gm)) counts[m[1]!] = Number(m[2]);
  return counts;
}

test('a page on 127.0.0.2 cannot make Chromium create a command job on 127.0.0.1', async () => {
  assertChromium();
  const dir = await mkdtemp(join(tmpdir(), 'bosun-cross-origin-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const marker = join(dir, 'MARKER');
  const databaseUrl = await createTestDatabase('bosun_sec_origin');
  const noJobs = await mkdtemp(join(dir, 'default-jobs-'));
  const { base } = await startService(serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_DEFAULT_JOBS_DIR: noJobs }));
  const target = `${base}/api/v1/jobs/command`;

  const page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(target, marker)));
  page.listen(0, '127.0.0.2');
  await once(page, 'listening');
  after(() => page.close());
  const address = page.address();
  const pageUrl = `http://127.0.0.2:${typeof address === 'object' && address ? address.port : 0}/`;

  const { page: tab } = await watchedPage(await launchChromium({ width: 800, height: 600 }));
  await tab.goto(pageUrl);
  await tab.waitForFunction(() => document.title.startsWith('done'), undefined, { timeout: 20_000 });

  // The two simple requests reached bosun and were refused; the JSON one stopped at its preflight.
  const counts = await postCounts(base);
  assert.equal(counts['403'], 2, `bosun refused both simple POSTs as cross-origin: ${JSON.stringify(counts)}`);
  assert.equal(counts['201'], undefined, 'no job was created');
  const jobs = (await (await fetch(`${base}/api/v1/jobs`)).json()) as { total: number };
  assert.equal(jobs.total, 0, 'no job exists');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(existsSync(marker), false, 'the command never ran');

  // curl's form of the same request is still served: the guard refuses browsers of other origins, not clients.
  const curl = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ command: ['true'] }) });
  assert.equal(curl.status, 201, await curl.text());
});
