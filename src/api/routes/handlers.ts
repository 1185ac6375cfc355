import { Hono } from 'hono';
import { type ApiEnv } from '../api-env.ts';
import { operation, type DataDeps } from '../data-deps.ts';
import type { RequestValidator } from '../request-validation.ts';
import { jobFileSchema } from '../../default-jobs/job-file-schema.ts';

/**
 * `GET /handlers`: every loaded handler with its description, kwargs schema, defaults and endpoint;
 * `GET /schemas/job-file.json`: the JSON Schema of YAML job files for these handlers, for editors.
 */
export function handlersRoutes(deps: DataDeps, validator: RequestValidator): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  operation(app, validator, 'GET', '/handlers', (c) =>
    c.json({
      handlers: deps.registry.list().map((h) => ({
        name: h.name,
        description: h.description,
        kwargs_schema: h.kwargsSchema,
        defaults: h.defaults ?? {},
        endpoint: `/api/v1/jobs/${h.name}`,
      })),
    }),
  );
  // Built per request: cheap, and it follows the handlers this process loaded.
  operation(app, validator, 'GET', '/schemas/job-file.json', (c) => c.json(jobFileSchema(deps.registry)));
  return app;
}
