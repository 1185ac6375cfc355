import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Histogram, type Registry } from 'prom-client';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Hono middleware counting requests by method, matched route pattern (`/api/v1/jobs/:job_id`,
 * never the raw path, so the label set stays bounded) and status. Register it first.
 */
export function httpMetrics(registry: Registry): MiddlewareHandler {
  const registers = [registry];
  const requests = new Counter({ name: 'bosun_http_requests_total', help: 'API requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers });
  const duration = new Histogram({ name: 'bosun_http_request_duration_seconds', help: 'API request duration by method and route pattern', labelNames: ['method', 'route'], buckets: BUCKETS, registers });
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routeOf(c);
      const method = c.req.method;
      requests.inc({ method, route, status: String(c.res.status) });
      duration.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };
}

// The route that answered; when a middleware answered (401, 413), the route the request was for.
function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c);
  const responder = routes[c.req.routeIndex];
  if (responder && responder.method !== 'ALL') return responder.path;
  const target = routes.findLast((r) => r.method !== 'ALL');
  return target?.path ?? 'unmatched';
}
