import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BosunError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { onError, problemResponse, toProblem } from './problem.ts';
import { healthRoutes, type HealthProbe } from './routes/health.ts';
import { docsRoutes } from './routes/docs.ts';
import type { OpenApiSpec } from './openapi.ts';

/** What the HTTP layer is built from; everything is injected so tests can build it without a socket. */
export interface ApiDeps {
  logger: Logger;
  health: HealthProbe;
  spec: () => OpenApiSpec;
  bodyLimitBytes: number;
}

/** Builds the Hono app: `/api/v1/*` routes, Swagger UI, and problem+json for every error. */
export function createApp(deps: ApiDeps): Hono {
  const app = new Hono();
  app.onError(onError(deps.logger));
  app.notFound((c) => problemResponse(c, toProblem(new BosunError('not-found', `no route ${c.req.method} ${c.req.path}`), c.req.path)));

  const api = new Hono();
  api.use(
    bodyLimit({
      maxSize: deps.bodyLimitBytes,
      onError: () => {
        throw new BosunError('payload-too-large', `request body is larger than ${deps.bodyLimitBytes} bytes`);
      },
    }),
  );
  api.route('/', healthRoutes(deps.health));
  api.route('/', docsRoutes(deps.spec));

  app.route('/api/v1', api);
  app.get('/', (c) => c.redirect('/api/v1/ui/'));
  return app;
}
