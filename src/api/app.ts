import { Hono } from 'hono';
import type { Logger } from '../log.ts';
import type { AuthPolicy } from '../auth/auth-policy.ts';
import { authenticate } from '../auth/authenticate.ts';
import { permittedCommands } from '../auth/permitted-commands.ts';
import { onError } from './problem.ts';
import { notFoundOrNotAllowed } from './not-found.ts';
import { pathMethods } from './guards/path-methods.ts';
import { securityHeaders } from './guards/security-headers.ts';
import { servedHosts } from './guards/served-hosts.ts';
import { sameOriginWrites } from './guards/same-origin-writes.ts';
import { wellFormedUrl } from './guards/well-formed-url.ts';
import { jsonContentType } from './guards/json-content-type.ts';
import type { EdgePolicy } from './guards/edge-policy.ts';
import { limitBody } from './body-limit.ts';
import { healthRoutes, type HealthProbe } from './routes/health.ts';
import { docsRoutes } from './routes/docs.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import type { OpenApiSpec } from './openapi.ts';
import type { ApiEnv } from './api-env.ts';
import type { DataDeps } from './data-deps.ts';
import { createRequestValidator } from './request-validation.ts';
import { jobsRoutes } from './routes/jobs.ts';
import { handlerJobsRoutes } from './routes/handler-jobs.ts';
import { runsRoutes } from './routes/runs.ts';
import { failuresRoutes } from './routes/failures.ts';
import { handlersRoutes } from './routes/handlers.ts';
import { serviceStateRoutes } from './routes/service-state.ts';
import { flowsRoutes } from './routes/flows.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { auditRoutes } from './routes/audit.ts';
import { tethysStatusRoutes } from './compat/tethys/update-job-status.ts';
import { ndschedulerExecutionsRoutes } from './compat/ndscheduler/executions-routes.ts';
import { actorMiddleware } from '../audit/actor-context.ts';
import { createMetrics, type Metrics } from '../metrics/metrics.ts';

export type { DataDeps, JobCommandsPort } from './data-deps.ts';

/** What the HTTP layer is built from; everything is injected so tests can build it without a socket. */
export interface ApiDeps {
  logger: Logger;
  health: HealthProbe;
  /** The spec as served (committed openapi.yaml plus every loaded handler's endpoint); requests are validated against it. */
  spec: () => OpenApiSpec;
  bodyLimitBytes: number;
  /** Database, engine commands and handlers; without them only health and docs are served. */
  data?: DataDeps;
  /** Who may call the data routes; required with `data`. */
  auth?: AuthPolicy;
  /** This process's metrics, served at /metrics; a registry of the app's own when absent. */
  metrics?: Metrics;
  /** Hosts and browser origins served beyond loopback, IP literals and bosun's own origin. */
  edge?: EdgePolicy;
}

// Probes tell nothing and are often sent by a name nobody lists (a container's service name): any Host.
const HEALTH = /^\/api\/v1\/(liveness|readiness)$/;
// Routes served outside openapi.yaml, for 405 answers.
const NON_SPEC_PATHS = { '/metrics': ['GET'], '/': ['GET'], '/update-job-status/{job_id}/': ['GET'] };

/** Builds the Hono app: `/api/v1/*` routes, Swagger UI, and problem+json for every error. */
export function createApp(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const metrics = deps.metrics ?? createMetrics();
  app.use(metrics.http);
  app.onError(onError(deps.logger));
  const paths = pathMethods(deps.spec().json, '/api/v1', NON_SPEC_PATHS);
  app.notFound(notFoundOrNotAllowed(paths));
  // The HTTP edge's guards, before anything else reads the request (src/api/guards/).
  app.use(securityHeaders());
  app.use(servedHosts(deps.edge?.allowedHosts ?? [], (path) => HEALTH.test(path)));
  app.use(sameOriginWrites(deps.edge?.allowedOrigins ?? []));
  app.use(wellFormedUrl(paths.parameterAt));
  app.use(jsonContentType());
  // Every route but the public reads (src/auth/authenticate.ts) asks who calls, before any other work.
  if (deps.auth) app.use(authenticate(deps.auth));

  const api = new Hono<ApiEnv>();
  api.use(limitBody(deps.bodyLimitBytes));
  api.route('/', healthRoutes(deps.health));
  api.route('/', docsRoutes(deps.spec));

  if (deps.data) {
    if (!deps.auth) throw new Error('createApp: data routes need an auth policy');
    // Jobs of powerful handlers are created and changed only as the caller may (src/auth/handler-permission.ts).
    const data: DataDeps = { ...deps.data, commands: permittedCommands(deps.data.commands, { db: deps.data.db, registry: deps.data.registry }) };
    api.use(actorMiddleware());
    const validator = createRequestValidator(deps.spec().json);
    // Order matters where a literal segment and a parameter compete: /jobs/clean-failed before /jobs/{job_id}.
    api.route('/', jobsRoutes(data, validator));
    api.route('/', handlerJobsRoutes(data, validator));
    api.route('/', runsRoutes(data, validator));
    api.route('/', failuresRoutes(data, validator));
    api.route('/', handlersRoutes(data, validator));
    api.route('/', serviceStateRoutes(data, validator));
    api.route('/', flowsRoutes(validator, data.registry));
    api.route('/', auditRoutes(data, validator));
    // Tethys' status callback, also at the root where outside systems were told to call it; the
    // edge guards and authentication above cover both mounts.
    const tethys = tethysStatusRoutes(data, validator, { logger: deps.logger, allowedOrigins: deps.edge?.allowedOrigins ?? [] });
    api.route('/', tethys);
    app.route('/', tethys);
    // NDScheduler's executions and audit logs (its /jobs calls are told apart in jobsRoutes).
    api.route('/', ndschedulerExecutionsRoutes(data, validator));
  }
  // At the root, where Prometheus looks by default, and under /api/v1 with the rest; protected like the rest.
  api.route('/', metricsRoutes(metrics));
  app.route('/', metricsRoutes(metrics));

  app.route('/api/v1', api);
  app.route('/dashboard', dashboardRoutes());
  app.get('/', (c) => c.redirect('/dashboard/'));
  return app;
}
