import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BosunError, ValidationError } from '../errors.ts';
import { loadAssets } from './assets.ts';
import { parsePreviewBody, previewSchedules } from './schedule-preview.ts';
import { shell } from './shell.ts';
import { readJsonBody } from '../api/json-body.ts';

/** How the dashboard is wired to the rest of bosun; the defaults fit `createApp`. */
export interface DashboardOptions {
  /** Where the sub-app is mounted, with the trailing slash. */
  base?: string;
  apiBase?: string;
  docsUrl?: string;
  /** How often pages poll the API for fresh data. */
  pollMs?: number;
  now?: () => Date;
}

// Everything the page loads comes from bosun itself; no inline script or style is needed.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Pages the browser may open directly (path after the base); each is the same shell, rendered by the script from its path. */
const PAGE = /^(|jobs\/.+|runs|runs\/[^/]+|failures|flows|flow-runs\/[^/]+|audit)$/;

/** The dashboard: its HTML shell, its static assets, and a schedule preview its pages use. Mount with `app.route('/dashboard', dashboardRoutes())`. */
export function dashboardRoutes(options: DashboardOptions = {}): Hono {
  const base = options.base ?? '/dashboard/';
  const page = shell({
    base,
    apiBase: options.apiBase ?? '/api/v1',
    docsUrl: options.docsUrl ?? '/api/v1/ui/',
    pollMs: options.pollMs ?? 3000,
  });
  const now = options.now ?? (() => new Date());
  const assets = loadAssets();
  const app = new Hono();

  app.get('/assets/:file', (c) => {
    const asset = assets.get(c.req.param('file'));
    if (!asset) throw new BosunError('not-found', `no dashboard asset ${c.req.param('file')}`);
    const headers = { etag: asset.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
    return c.body(asset.body, 200, { ...headers, 'content-type': asset.type });
  });

  app.post(
    '/schedule-preview',
    bodyLimit({
      maxSize: 256 * 1024,
      onError: () => {
        throw new BosunError('payload-too-large', 'a schedule preview request is limited to 256 KiB');
      },
    }),
    async (c) => {
      const body = await readJsonBody(c.req.raw);
      if (body === undefined) throw new ValidationError('a JSON request body is required', { field: 'body' });
      const { items, count } = parsePreviewBody(body);
      return c.json({ previews: previewSchedules(items, count, now()) });
    },
  );
  app.all('/schedule-preview', (c) => {
    const allow = ['OPTIONS', 'POST'];
    if (c.req.method === 'OPTIONS') return c.body(null, 204, { allow: allow.join(', ') });
    throw new BosunError('method-not-allowed', `/dashboard/schedule-preview has no method ${c.req.method.slice(0, 20)}; it has POST`, { field: 'method', details: { allow } });
  });
  // Last, so the routes above win: Hono mounts '/' at '/dashboard' only, so the slash form is matched here.
  app.get('/*', async (c) => {
    const mount = base.slice(0, -1);
    if (c.req.path === mount) return c.redirect(base, 301);
    const rest = c.req.path.startsWith(base) ? c.req.path.slice(base.length) : null;
    if (rest === null || !PAGE.test(rest)) throw new BosunError('not-found', `no dashboard page ${c.req.path}`);
    c.header('content-security-policy', CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    c.header('cache-control', 'no-cache');
    return c.html(await page);
  });
  return app;
}
