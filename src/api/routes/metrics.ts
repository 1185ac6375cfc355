import { Hono } from 'hono';
import type { Metrics } from '../../metrics/metrics.ts';

/** `GET /metrics`: Prometheus text exposition of this process's metrics (mounted at the root, not under /api/v1). */
export function metricsRoutes(metrics: Metrics): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const { body, contentType } = await metrics.render();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
  return app;
}
