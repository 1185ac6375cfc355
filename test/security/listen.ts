// The API of test/integration/api/harness.ts on a real socket, for tests that must go through
// HTTP as a client does (URL parsing, percent-encoding, timing).
import { after } from 'node:test';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { apiHarness } from '../integration/api/harness.ts';

export async function listeningApi() {
  const harness = await apiHarness();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: harness.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  after(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  }));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** A request as the admin, JSON in and out, timed. */
  const send = async (method: string, path: string, body?: unknown) => {
    const started = performance.now();
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.tokens.admin}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    return { status: res.status, json, text, ms, headers: res.headers };
  };
  return { ...harness, base, send };
}
