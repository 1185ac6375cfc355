import { Hono } from 'hono';
import type { FlowDefinition, FlowRunStatus } from '../../flows/flow.ts';
import { topologicalOrder } from '../../flows/graph.ts';
import { flowRunView } from '../../flows/report.ts';
import { installedFlows } from '../../flows/runtime.ts';
import { body, ownerScope, params, type ApiContext, type ApiEnv } from '../api-env.ts';
import { operation } from '../data-deps.ts';
import type { RequestValidator } from '../request-validation.ts';
import type { HandlerRegistry } from '../../handlers/registry.ts';
import { assertMayDefine } from '../../auth/permitted-commands.ts';
import { isoOrNull as iso } from '../../time/iso-instant.ts';
import { retryBackoffView } from '../../worker/retry-delay.ts';
import { redactValue } from '../../redaction/redact-value.ts';

/** A declared flow as the API shows it: where it comes from, its steps and its graph (nodes, edges, an order to run them in). */
export function flowView(flow: FlowDefinition): Record<string, unknown> {
  return {
    name: flow.name,
    description: flow.description,
    source: flow.source,
    file: flow.file,
    ...(flow.source === 'api' ? { owner: flow.owner, updated_at: iso(flow.updated_at) } : {}),
    // Secrets in kwargs as ***, as wherever kwargs are copied: API-defined flows are seen by every user.
    steps: flow.steps.map((s) => ({ ...s, kwargs: redactValue(s.kwargs), retry_backoff: retryBackoffView(s.retry_backoff) })),
    graph: {
      nodes: flow.steps.map((s) => s.id),
      edges: flow.steps.flatMap((s) => s.waits.map((w) => ({ from: w, to: s.id }))),
      order: topologicalOrder(flow.steps),
    },
  };
}

/** Flows: the declared graphs, starting a run, a run with its steps, rerun. The flows are this process's (src/flows/runtime.ts). */
export function flowsRoutes(validator: RequestValidator, registry: Pick<HandlerRegistry, 'resolve'>): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  // A run's arguments reach its steps' kwargs: starting a flow uses its steps' handlers, powerful ones included.
  const mayStart = (c: ApiContext, flowName: string) => {
    const flows = installedFlows().catalog;
    if (flows.has(flowName)) assertMayDefine(c.get('identity'), flows.get(flowName).steps, registry, flows);
  };

  // Changing a flow changes what its runs (and the jobs starting it) make run: the powerful-handler
  // permission covers the steps as declared before and after.
  const mayDefine = (c: ApiContext, ...steps: FlowDefinition['steps'][]) => assertMayDefine(c.get('identity'), steps.flat(), registry, installedFlows().catalog);
  const writer = (c: ApiContext) => ({ user: c.get('identity').user ?? null, admin: c.get('identity').admin });
  const current = (name: string) => {
    const flows = installedFlows().catalog;
    return flows.has(name) ? flows.get(name).steps : [];
  };

  operation(app, validator, 'GET', '/flows', async (c) => {
    const { catalog } = installedFlows();
    await catalog.refresh();
    const flows = catalog.list();
    return c.json({ flows: flows.map(flowView), flows_count: flows.length });
  });

  operation(app, validator, 'POST', '/flows', async (c) => {
    const { definitions } = installedFlows();
    const raw = body<Record<string, unknown>>(c);
    mayDefine(c, definitions.check(raw).steps);
    const flow = await definitions.create(raw, writer(c));
    return c.json({ flow: flowView(flow) }, 201, { location: `/api/v1/flows/${encodeURIComponent(flow.name)}` });
  });

  operation(app, validator, 'GET', '/flows/{flow_name}', async (c) => {
    const { catalog } = installedFlows();
    await catalog.refresh();
    return c.json({ flow: flowView(catalog.get(params<{ flow_name: string }>(c).flow_name)) });
  });

  operation(app, validator, 'PUT', '/flows/{flow_name}', async (c) => {
    const { flow_name } = params<{ flow_name: string }>(c);
    const { catalog, definitions } = installedFlows();
    const raw = { name: flow_name, ...body<Record<string, unknown>>(c) };
    await catalog.refresh();
    mayDefine(c, current(flow_name), definitions.check(raw).steps);
    const { flow, created } = await definitions.replace(flow_name, raw, writer(c));
    return c.json({ flow: flowView(flow) }, created ? 201 : 200);
  });

  operation(app, validator, 'DELETE', '/flows/{flow_name}', async (c) => {
    const { flow_name } = params<{ flow_name: string }>(c);
    await installedFlows().definitions.remove(flow_name, writer(c));
    return c.json({ removed: [flow_name] });
  });

  operation(app, validator, 'POST', '/flows/{flow_name}/runs', async (c) => {
    const { flow_name } = params<{ flow_name: string }>(c);
    const input = body<{ arguments?: Record<string, unknown>; task_names?: string[]; run_subsequent?: boolean; follow_subflows?: boolean } | undefined>(c) ?? {};
    const selection = input.task_names ? { task_names: input.task_names, run_subsequent: input.run_subsequent ?? false, follow_subflows: input.follow_subflows ?? false } : undefined;
    const flows = installedFlows();
    await flows.catalog.refresh();
    mayStart(c, flow_name);
    const run = await flows.start(flow_name, input.arguments ?? {}, { owner: c.get('identity').user ?? null, ...(selection ? { selection } : {}) });
    const { steps } = await flows.get(run.flow_run_id);
    return c.json({ flow_run: flowRunView(run, steps) }, 201, { location: `/api/v1/flow-runs/${run.flow_run_id}` });
  });

  operation(app, validator, 'GET', '/flow-runs', async (c) => {
    const q = params<{ flow_name?: string; status?: FlowRunStatus; job_id?: string; limit: number; offset: number }>(c);
    const owner = ownerScope(c.get('identity'));
    const { runs, total } = await installedFlows().list({ ...q, ...(owner !== undefined ? { owner } : {}) });
    return c.json({ flow_runs: runs.map((r) => flowRunView(r)), total, limit: q.limit, offset: q.offset });
  });

  operation(app, validator, 'GET', '/flow-runs/{flow_run_id}', async (c) => {
    const { run, steps } = await installedFlows().get(params<{ flow_run_id: string }>(c).flow_run_id, ownerScope(c.get('identity')));
    return c.json({ flow_run: flowRunView(run, steps) });
  });

  operation(app, validator, 'POST', '/flow-runs/{flow_run_id}/rerun', async (c) => {
    const flows = installedFlows();
    const owner = ownerScope(c.get('identity'));
    const run = await flows.rerun(params<{ flow_run_id: string }>(c).flow_run_id, owner);
    const { steps } = await flows.get(run.flow_run_id);
    return c.json({ flow_run: flowRunView(run, steps) });
  });

  return app;
}
