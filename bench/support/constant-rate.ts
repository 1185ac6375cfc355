// An open-loop HTTP load generator: request i is due at start + i / rate, whether or not earlier
// answers have come back, and its latency counts from when it was due (so a stalled server is
// charged for the requests it delayed: no coordinated omission). This is what "p99 at 500 req/s"
// means. autocannon's `-R` is not that: each connection sends back to back until it has made its
// share of the second, then waits for the next second, so a server with a ceiling of 850 req/s is
// run flat out for 60 % of every second and idle for the rest.
//
//   node bench/support/constant-rate.ts --url U [--method M] [--body JSON] --rate R --seconds S
//                                       [--connections C]
// Prints one JSON object: requests, rate achieved, p50/p99/max ms, non-2xx, errors.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile } from './stats.ts';

/** What one constant-rate pass measured. */
export interface ConstantRateResult {
  requests: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/** Sends `rate` requests a second for `seconds` to `url` and measures each from when it was due. */
export async function constantRate(options: { url: string; method: string; body?: string; rate: number; seconds: number; connections: number }): Promise<ConstantRateResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(options.url);
  const headers: Record<string, string> = options.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body)) };
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let pending = 0;
  let allSent = false;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));

  const send = (due: number) => {
    pending++;
    const settle = () => {
      latencies.push(performance.now() - due);
      if (--pending === 0 && allSent) finished();
    };
    const req = http.request(target, { method: options.method, agent, headers }, (res) => {
      if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) non2xx++;
      res.resume();
      res.once('end', settle);
    });
    req.once('error', () => {
      errors++;
      settle();
    });
    req.end(options.body);
  };

  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Timers fire late; every request whose moment has passed goes now, stamped with its moment.
      while (next < total && start + next * interval <= now) send(start + next++ * interval);
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  const elapsed = performance.now() - start;
  allSent = true;
  if (pending > 0) await done;
  agent.destroy();
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    requests: latencies.length,
    rate: Math.round((total / elapsed) * 1000),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(percentile(latencies, 100)),
    non2xx,
    errors,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { url: { type: 'string' }, method: { type: 'string' }, body: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' } } });
  if (!values.url || !values.rate || !values.seconds) throw new Error('--url, --rate and --seconds are required');
  const result = await constantRate({
    url: values.url,
    method: values.method ?? 'GET',
    body: values.body,
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    connections: Number(values.connections ?? 64),
  });
  console.log(JSON.stringify(result));
}
