import { Hono } from 'hono';
import { BosunError } from '../../errors.ts';

/** What readiness asks of the rest of the service. */
export interface HealthProbe {
  /** Database reachable and migrations applied. */
  ready(): Promise<boolean>;
}

/** `GET /liveness` (the process answers) and `GET /readiness` (it can do its work). */
export function healthRoutes(probe: HealthProbe): Hono {
  const app = new Hono();
  app.get('/liveness', (c) => c.json({}));
  app.get('/readiness', async (c) => {
    if (!(await probe.ready())) throw new BosunError('unavailable', 'database unreachable or migrations not applied');
    return c.json({});
  });
  return app;
}
