// The powerful-handler permission, the handlers a definition makes run, and the routes open
// without a token: pure rules, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BosunError } from '../../../src/errors.ts';
import { assertMayUseHandlers, jobIdentity, mayUseHandler } from '../../../src/auth/handler-permission.ts';
import { handlersUsed } from '../../../src/auth/handlers-used.ts';
import { isPublic } from '../../../src/auth/authenticate.ts';
import type { Identity } from '../../../src/auth/tokens.ts';
import type { FlowDefinition } from '../../../src/flows/flow.ts';

const command = { name: 'command', powerful: true };
const http = { name: 'http', powerful: true };
const noop = { name: 'noop', powerful: false };
const user = (handlers: string[] = []): Identity => ({ user: 'alice', admin: false, handlers });
const admin: Identity = { user: 'root', admin: true, handlers: [] };

for (const [name, identity, handler, allowed] of [
  ['a plain token, a handler not powerful', user(), noop, true],
  ['a plain token, command', user(), command, false],
  ['a token granted command, command', user(['command']), command, true],
  ['a token granted command, http', user(['command']), http, false],
  ['an admin token, command', admin, command, true],
  ["a user's job creating a job (context.jobs.create), command", jobIdentity('alice'), command, false],
  ["the operator's job (no owner) creating a job, command", jobIdentity(null), command, true],
] as const) {
  test(`may use: ${name} → ${allowed}`, () => assert.equal(mayUseHandler(identity, handler), allowed));
}

test('refused: 403 forbidden, field handler, the first refused handler named', () => {
  assert.throws(
    () => assertMayUseHandlers(user(['command']), [noop, command, http]),
    (err: unknown) => err instanceof BosunError && err.status === 403 && err.field === 'handler' && err.details.handler === 'http' && /--handlers http/.test(err.message),
  );
  assert.doesNotThrow(() => assertMayUseHandlers(user(['command', 'http']), [noop, command, http]));
});

const step = (id: string, handler: string, kwargs: Record<string, unknown> = {}) => ({ id, handler, kwargs, description: null, waits: [], timeout_ms: null, retries: 0, retry_delay_ms: 0, retry_backoff: 1 });
const flows = new Map<string, FlowDefinition>([
  ['outer', { name: 'outer', description: null, steps: [step('a', 'noop'), step('b', 'flow-scheduling', { flow_name: 'inner' })] } as unknown as FlowDefinition],
  ['inner', { name: 'inner', description: null, steps: [step('c', 'command'), step('d', 'flow-scheduling', { flow_name: 'outer' })] } as unknown as FlowDefinition],
]);
const lookup = { has: (n: string) => flows.has(n), get: (n: string) => flows.get(n)! };
const known = new Map([command, http, noop, { name: 'flow-scheduling', powerful: false }].map((h) => [h.name, h]));
const resolve = (name: string) => {
  const h = known.get(name);
  if (!h) throw new Error(`unknown handler ${name}`);
  return h;
};

for (const [name, calls, expected] of [
  ['a plain job: its handler', [{ handler: 'noop', kwargs: {} }], ['noop']],
  ['a flow-scheduling job: its flow and subflows, once each (cycles end)', [{ handler: 'flow-scheduling', kwargs: { flow_name: 'outer' } }], ['command', 'flow-scheduling', 'noop']],
  ['a flow not declared: its own handler only', [{ handler: 'flow-scheduling', kwargs: { flow_name: 'nope' } }], ['flow-scheduling']],
  ['a handler not loaded (turned off): counted as powerful', [{ handler: 'gone', kwargs: {} }], ['gone']],
] as const) {
  test(`handlers used: ${name}`, () => {
    const used = handlersUsed(calls.map((c) => ({ ...c, kwargs: { ...c.kwargs } })), resolve, lookup);
    assert.deepEqual(used.map((h) => h.name).sort(), [...expected].sort());
    if (name.includes('not loaded')) assert.equal(used[0]!.powerful, true);
  });
}

for (const [method, path, open] of [
  ['GET', '/api/v1/liveness', true],
  ['GET', '/api/v1/readiness', true],
  ['GET', '/api/v1/openapi.json', true],
  ['GET', '/api/v1/openapi.yaml', true],
  ['GET', '/api/v1/ui/', true],
  ['GET', '/api/v1/ui/swagger-ui.css', true],
  ['GET', '/dashboard/', true],
  ['GET', '/dashboard/assets/app.js', true],
  ['HEAD', '/dashboard/jobs/x', true],
  ['GET', '/', true],
  ['POST', '/dashboard/schedule-preview', false],
  ['GET', '/metrics', false],
  ['GET', '/api/v1/metrics', false],
  ['GET', '/api/v1/jobs', false],
  ['POST', '/api/v1/liveness', false],
  ['GET', '/api/v1/ui/a/b', false],
  ['GET', '/api/v1/openapi.json/x', false],
  ['GET', '/dashboardx', false],
] as const) {
  test(`public: ${method} ${path} → ${open}`, () => assert.equal(isPublic(method, path), open));
}
