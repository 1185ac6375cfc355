import { readFileSync, readdirSync } from 'node:fs';
import { join, extname } from 'node:path';
import { Hono } from 'hono';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The package's main module also evaluates the 1.4 MB browser bundle in Node (≈ 270 ms and 40 MB
// at startup, for nothing: the files are only served); its path helper alone is enough.
const SWAGGER_DIR: string = (require('swagger-ui-dist/absolute-path.js') as () => string)();

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json',
};

// Points Swagger UI at our spec; persistAuthorization keeps a pasted token across reloads.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: './../openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    displayRequestDuration: true,
    tryItOutEnabled: false,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

// What Swagger UI works under, found in Chromium: its own scripts and styles, the <style>
// elements it injects (no script runs from them), data: images (its icons), requests to bosun alone.
export const SWAGGER_UI_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The spec as YAML and JSON, and Swagger UI's files from swagger-ui-dist under `/ui/`. */
export function docsRoutes(spec: () => { yaml: string; json: object }): Hono {
  const app = new Hono();
  const files = new Set(readdirSync(SWAGGER_DIR).filter((f) => f in TYPES || extname(f) in TYPES));

  app.get('/openapi.yaml', (c) => c.body(spec().yaml, 200, { 'content-type': 'application/yaml; charset=utf-8' }));
  app.get('/openapi.json', (c) => c.json(spec().json));
  app.get('/ui', (c) => c.redirect('/api/v1/ui/', 301));
  app.get('/ui/', (c) => {
    c.header('content-security-policy', SWAGGER_UI_CSP);
    c.header('referrer-policy', 'same-origin');
    return c.html(readFileSync(join(SWAGGER_DIR, 'index.html'), 'utf8').replace('<title>Swagger UI</title>', '<title>bosun API</title>'));
  });
  app.get('/ui/swagger-initializer.js', (c) => c.body(INITIALIZER, 200, { 'content-type': TYPES['.js']! }));
  app.get('/ui/:file', (c) => {
    const file = c.req.param('file');
    if (!files.has(file)) return c.notFound();
    return c.body(readFileSync(join(SWAGGER_DIR, file)), 200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=86400',
    });
  });
  return app;
}
