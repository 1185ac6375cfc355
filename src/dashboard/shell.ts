import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** Where the page lives and what it talks to; both are absolute paths on this origin. */
export interface ShellOptions {
  base: string;
  apiBase: string;
  docsUrl: string;
  pollMs: number;
}

/**
 * The one HTML document every dashboard page starts from. Data never comes with it: the
 * token lives in the browser (localStorage), so the page's script fetches everything
 * from the API with it, and keeps it fresh by polling.
 */
export function shell(o: ShellOptions): HtmlEscapedString | Promise<HtmlEscapedString> {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="bosun-base" content="${o.base}">
<meta name="bosun-api" content="${o.apiBase}">
<meta name="bosun-poll-ms" content="${String(o.pollMs)}">
<title>bosun</title>
<link rel="icon" href="${o.base}assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${o.base}assets/dashboard.css">
<script type="module" src="${o.base}assets/app.js"></script>
</head>
<body>
<a class="skip" href="#page">Skip to content</a>
<header class="top">
  <a class="brand" href="${o.base}">bosun</a>
  <nav aria-label="Sections">
    <a href="${o.base}" data-nav="jobs">Jobs</a>
    <a href="${o.base}runs" data-nav="runs">Runs</a>
    <a href="${o.base}failures" data-nav="failures">Failures</a>
    <a href="${o.base}flows" data-nav="flows">Flows</a>
    <a href="${o.base}audit" data-nav="audit">Audit</a>
    <a href="${o.docsUrl}">API docs</a>
  </nav>
  <span class="spacer"></span>
  <span id="service-state" class="service-state"></span>
  <span id="live" class="live" role="status" aria-live="polite"></span>
  <button id="sign-out" type="button" class="link" hidden>Sign out</button>
</header>
<main id="page" tabindex="-1">
  <noscript><p class="notice">The dashboard needs JavaScript; the API is at <a href="${o.docsUrl}">${o.docsUrl}</a>.</p></noscript>
</main>
<dialog id="confirm" aria-labelledby="confirm-title">
  <form method="dialog">
    <h2 id="confirm-title">Are you sure?</h2>
    <p id="confirm-text"></p>
    <div class="buttons">
      <button value="cancel" type="submit" autofocus>Cancel</button>
      <button value="ok" type="submit" class="danger" id="confirm-ok">Confirm</button>
    </div>
  </form>
</dialog>
</body>
</html>`;
}
