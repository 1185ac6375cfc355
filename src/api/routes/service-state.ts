import { Hono } from 'hono';
import { BosunError } from '../../errors.ts';
import { params, type ApiEnv } from '../api-env.ts';
import { operation, type DataDeps } from '../data-deps.ts';
import type { RequestValidator } from '../request-validation.ts';

/** `GET|PUT /service/state`: pause or resume the whole scheduler (admins only may change it). */
export function serviceStateRoutes(deps: DataDeps, validator: RequestValidator): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  operation(app, validator, 'GET', '/service/state', async (c) => c.json({ state: await deps.commands.getServiceState() }));
  operation(app, validator, 'PUT', '/service/state', async (c) => {
    if (!c.get('identity').admin) throw new BosunError('forbidden', 'only an admin token may pause or resume the whole service');
    const { state } = params<{ state: 'running' | 'paused' | 'active' }>(c);
    await deps.commands.setServiceState(state === 'active' ? 'running' : state);
    return c.json({ state: await deps.commands.getServiceState() });
  });
  return app;
}
