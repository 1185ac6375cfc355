// NDScheduler resumes a job with OPTIONS and pauses it with a bodiless PATCH: state changes a
// page of another origin must not make a browser perform. A page on 127.0.0.2, in real Chromium,
// tries both against bosun on 127.0.0.1 with default auth (`auto`: open on loopback, so the edge
// guards alone stand): the browser's CORS preflights change nothing, the jobs keep their state.
// curl's forms of the same calls still work.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../helpers/database.ts';
import { assertChromium, launchChromium, serviceEnv, startService, watchedPage } from '../helpers/browser.ts';

/** The attacker's page: every way a page may try OPTIONS and PATCH, then the title says they are done. */
function attackPage(paused: string, running: string): string {
  return `<!doctype html><title>attack</title><script>
  const tries = [
    fetch(${JSON.stringify(paused)}, { method: 'OPTIONS', mode: 'cors' }),
    fetch(${JSON.stringify(paused)}, { method: 'OPTIONS', mode: 'no-cors' }),
    fetch(${JSON.stringify(running)}, { method: 'PATCH', mode: 'cors' }),
    fetch(${JSON.stringify(running)}, { method: 'PATCH', mode: 'no-cors' }),
  ];
  Promise.allSettled(tries).then((results) => { document.title = 'done ' + results.map((r) => r.status).join(','); });
  </script>`;
}

async function state(base: string, jobId: string): Promise<string> {
  return ((await (await fetch(`${base}/api/v1/jobs/${jobId}`)).json()) as { job: { state: string } }).job.state;
}

test("a page on 127.0.0.2 cannot make Chromium resume or pause a job with NDScheduler's OPTIONS and PATCH", async () => {
  assertChromium();
  const dir = await mkdtemp(join(tmpdir(), 'bosun-nd-resume-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const databaseUrl = await createTestDatabase('bosun_sec_nd_resume');
  const { base } = await startService(serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_DEFAULT_JOBS_DIR: dir }));
  const create = async (body: Record<string, unknown>) => {
    const r = await fetch(`${base}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 201, await r.clone().text());
    return ((await r.json()) as { job_id: string }).job_id;
  };
  const paused = await create({ job_class_string: 'noop', name: 'paused one', trigger: 'interval', trigger_params: { interval: 3600 } });
  const running = await create({ job_class_string: 'noop', name: 'running one', trigger: 'interval', trigger_params: { interval: 3600 } });
  assert.equal((await fetch(`${base}/api/v1/jobs/${paused}`, { method: 'PATCH' })).status, 200, 'curl pauses it');
  assert.equal(await state(base, paused), 'paused');

  const page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(`${base}/api/v1/jobs/${paused}`, `${base}/api/v1/jobs/${running}`)));
  page.listen(0, '127.0.0.2');
  await once(page, 'listening');
  after(() => page.close());
  const address = page.address();
  const { page: tab } = await watchedPage(await launchChromium({ width: 800, height: 600 }));
  await tab.goto(`http://127.0.0.2:${typeof address === 'object' && address ? address.port : 0}/`);
  await tab.waitForFunction(() => document.title.startsWith('done'), undefined, { timeout: 20_000 });
  assert.equal(await tab.title(), 'done rejected,rejected,rejected,rejected', 'every try failed in the browser');

  assert.equal(await state(base, paused), 'paused', 'the preflight of the OPTIONS did not resume it');
  assert.equal(await state(base, running), 'running', 'the preflight of the PATCH did not pause it');
  // The preflight itself, as the browser sent it, and a forged OPTIONS no browser sends: neither resumes.
  const preflight = await fetch(`${base}/api/v1/jobs/${paused}`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.2:1', 'access-control-request-method': 'OPTIONS' } });
  assert.equal(preflight.status, 204);
  const forged = await fetch(`${base}/api/v1/jobs/${paused}`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.2:1', 'sec-fetch-site': 'cross-site' } });
  assert.equal(forged.status, 403);
  assert.equal(await state(base, paused), 'paused');

  const curl = await fetch(`${base}/api/v1/jobs/${paused}`, { method: 'OPTIONS' });
  assert.equal(curl.status, 200, await curl.clone().text());
  assert.deepEqual(await curl.json(), { job_id: paused });
  assert.equal(await state(base, paused), 'running', 'curl resumes it');
});
