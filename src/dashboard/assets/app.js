// The dashboard's entry: picks the page for this path, keeps it fresh by polling, and asks
// for a token when the API answers 401.
import { api, ApiError, clearToken, getToken, setToken } from './api.js';
import { el, meta, tickTimes } from './dom.js';
import { jobsPage } from './jobs-page.js';
import { jobPage } from './job-page.js';
import { runsPage } from './runs-page.js';
import { runPage } from './run-page.js';
import { failuresPage } from './failures-page.js';
import { flowsPage } from './flows-page.js';
import { flowRunPage } from './flow-run-page.js';
import { auditPage } from './audit-page.js';

const BASE = meta('bosun-base');
const POLL_MS = Number(meta('bosun-poll-ms')) || 3000;
const main = document.getElementById('page');
const live = document.getElementById('live');
const signOut = document.getElementById('sign-out');
const serviceState = document.getElementById('service-state');

/** Which page a path shows, and its parameter. */
function route(pathname) {
  const rest = decodeURIComponent(pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '');
  let m;
  if (rest === '') return { nav: 'jobs', make: jobsPage };
  if ((m = /^jobs\/(.+)$/.exec(rest))) return { nav: 'jobs', make: jobPage, param: m[1] };
  if (rest === 'runs') return { nav: 'runs', make: runsPage };
  if ((m = /^runs\/([^/]+)$/.exec(rest))) return { nav: 'runs', make: runPage, param: m[1] };
  if (rest === 'failures') return { nav: 'failures', make: failuresPage };
  if (rest === 'flows') return { nav: 'flows', make: flowsPage };
  if ((m = /^flow-runs\/([^/]+)$/.exec(rest))) return { nav: 'flows', make: flowRunPage, param: m[1] };
  if (rest === 'audit') return { nav: 'audit', make: auditPage };
  return { nav: '', make: notFoundPage };
}

function notFoundPage(container) {
  container.replaceChildren(el('h1', {}, 'No such page'), el('p', {}, el('a', { href: BASE }, 'Back to the jobs')));
  document.title = 'Not found · bosun';
  return { refresh: async () => {} };
}

/** Asks the reader to confirm a destructive action in the page's <dialog>; resolves true on OK. */
function confirmAction(text, okLabel = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

/** Shows a short message under the header; errors stay until the next action. */
function notify(message, kind = 'info') {
  let box = document.getElementById('notice');
  if (!box) {
    box = el('div', { id: 'notice', role: kind === 'error' ? 'alert' : 'status' });
    main.before(box);
  }
  box.className = `notice ${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.textContent = message;
  clearTimeout(notify.timer);
  if (kind !== 'error') notify.timer = setTimeout(() => box.remove(), 4000);
}

let current = null;
let timer = null;
let inFlight = null;
let queued = null;
let showingLogin = false;

/**
 * Refreshes the page and the header. Asked while a refresh is in flight, it runs one more right
 * after it rather than none: the caller (an action just taken, a new token) wants an answer that
 * reflects it, which a request sent before it cannot give.
 */
function poll() {
  if (!current || showingLogin) return Promise.resolve();
  if (inFlight) {
    queued ??= inFlight.then(() => {
      queued = null;
      return poll();
    });
    return queued;
  }
  inFlight = refresh().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/** One refresh of the page and the header; reports liveness in the header. */
async function refresh() {
  try {
    await Promise.all([current.refresh(), refreshServiceState()]);
    live.className = 'live ok';
    live.textContent = `Live · ${new Date().toLocaleTimeString()}`;
    live.title = `refreshed every ${POLL_MS / 1000} s`;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      live.className = 'live down';
      live.textContent = `Not updating: ${err.message}`;
    }
  }
}

async function refreshServiceState() {
  try {
    const { state } = await api('GET', '/service/state');
    serviceState.replaceChildren(el('span', { class: `badge s-${state}`, title: 'state of the whole scheduler' }, `scheduler ${state}`));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) serviceState.replaceChildren();
    else throw err;
  }
}

function ctx() {
  return {
    base: BASE,
    confirm: confirmAction,
    notify,
    refresh: poll,
    /** Runs an action, then reports its outcome and refreshes at once rather than at the next poll. */
    async act(label, fn) {
      try {
        await fn();
        notify(label);
      } catch (err) {
        notify(err.message, 'error');
      }
      await poll();
    },
  };
}

function start() {
  showingLogin = false;
  signOut.hidden = !getToken();
  const r = route(location.pathname);
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  current = r.make(main, ctx(), r.param);
  void poll();
  clearInterval(timer);
  timer = setInterval(() => {
    if (!document.hidden) void poll();
  }, POLL_MS);
}

/** The token form, shown in place of the page when the API wants one. */
function showLogin(rejected) {
  if (showingLogin) return;
  showingLogin = true;
  live.textContent = '';
  const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const form = el(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, 'Sign in'),
    el('p', {}, rejected ? 'That token was not accepted. ' : 'This bosun needs an API token. ', 'Create one with ', el('code', {}, 'bosun tokens create --user <name>'), '.'),
    el('label', { for: 'token' }, 'Token'),
    input,
    el('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    start();
  });
  main.replaceChildren(form);
  input.focus();
}

window.addEventListener('bosun:unauthorized', (e) => {
  // A refusal of a token the user has since replaced (a request still in flight when they signed
  // in again) says nothing about the current one: acting on it would throw away a good token.
  if (e.detail.token !== getToken()) return;
  const hadToken = Boolean(getToken());
  if (hadToken) clearToken();
  showLogin(hadToken);
});
signOut.addEventListener('click', () => {
  clearToken();
  location.reload();
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void poll();
});
setInterval(() => tickTimes(), 1000);
start();
