// Talks to bosun's HTTP API with the token kept in this browser, and turns problem+json
// answers into ApiError so pages can show the server's own message.
import { meta } from './dom.js';

const TOKEN_KEY = 'bosun.token';
const API_BASE = meta('bosun-api');

/** An answer outside 2xx, carrying the problem document when the server sent one. */
export class ApiError extends Error {
  constructor(status, problem, fallback) {
    super(problem?.detail ?? problem?.error ?? fallback);
    this.status = status;
    this.problem = problem;
  }
}

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token) {
  localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  localStorage.removeItem(TOKEN_KEY);
}

/** Builds a query string, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Calls the API and returns the decoded JSON (null for an empty body). A 401 also fires
 * `bosun:unauthorized` on window, which brings up the token form; its detail names the token
 * the request carried, so a late answer to a token already replaced can be told apart.
 */
export async function api(method, path, body) {
  const headers = { accept: 'application/json, application/problem+json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(API_BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, null, `bosun is unreachable (${err.message})`);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new CustomEvent('bosun:unauthorized', { detail: { token } }));
    throw new ApiError(res.status, data, `${method} ${path} answered ${res.status} ${res.statusText}`);
  }
  return data;
}

/** POSTs to the dashboard's own schedule preview, with the token: it does work, so it is not open to all. */
export async function previewSchedules(items, count) {
  const headers = { 'content-type': 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${meta('bosun-base')}schedule-preview`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ schedules: items, count }),
  });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null), 'schedule preview failed');
  return (await res.json()).previews;
}
