// DOM building and formatting for the dashboard pages. Nodes are built with el(), never from
// HTML strings, so text from the API (job ids, messages, logs) can never become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: el('a', {href, class}, 'text', otherNode). */
export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, same calling convention as el(). */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Reads a <meta name=...> the server put in the page. */
export function meta(name) {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
}

/**
 * Replaces a container's content with what build() returns, unless the data it is built from
 * has not changed. Open <details> and the focused control (by data-key) survive the swap, so a
 * poll never closes the log someone is reading or steals focus from a button.
 */
export function renderInto(container, data, buildFn) {
  const json = JSON.stringify(data);
  if (container.dataset.rendered === json) return false;
  const open = new Set([...container.querySelectorAll('details[open][data-key]')].map((d) => d.dataset.key));
  const focused = container.contains(document.activeElement) ? document.activeElement?.dataset?.key : undefined;
  container.replaceChildren(...[buildFn(data)].flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
  container.dataset.rendered = json;
  for (const d of container.querySelectorAll('details[data-key]')) if (open.has(d.dataset.key)) d.open = true;
  if (focused) container.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  tickTimes(container);
  return true;
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
];

/** "1.2 s", "3 min 5 s", "2 h 10 min", "250 ms": the two largest units are enough to read. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const parts = [];
  let rest = Math.round(ms / 1000) * 1000;
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** "in 3 min", "5 s ago", "now". */
export function relativeTime(iso, now = Date.now()) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const diff = t - now;
  if (Math.abs(diff) < 1000) return 'now';
  const text = formatDuration(Math.abs(diff) < 60_000 ? Math.floor(Math.abs(diff) / 1000) * 1000 : Math.abs(diff)).replace(/\.\d s$/, ' s');
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

const absoluteFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
});

/** The instant in the reader's own zone, with the zone named. */
export function absoluteTime(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '—' : absoluteFormat.format(t);
}

/** A <time> showing "in 3 min" that keeps itself current (see tickTimes), absolute on hover. */
export function relTime(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  return el('time', { datetime: iso, title: absoluteTime(iso), 'data-rel': true }, relativeTime(iso));
}

/** Relative and absolute together, for tables where both matter (next run). */
export function bothTimes(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  return el('span', { class: 'both-times' }, relTime(iso), el('small', { class: 'muted' }, absoluteTime(iso)));
}

/** Refreshes the text of every relative <time> under root; called every second. */
export function tickTimes(root = document) {
  const now = Date.now();
  for (const t of root.querySelectorAll('time[data-rel]')) {
    const text = relativeTime(t.getAttribute('datetime'), now);
    if (t.textContent !== text) t.textContent = text;
  }
}

/** A status or state as a coloured label; the colour is never the only signal (the word is there). */
export function badge(status) {
  if (!status) return el('span', { class: 'muted' }, '—');
  return el('span', { class: `badge s-${status}` }, status.replace('_', ' '));
}

/** Milliseconds a run took, or has taken so far when still running. */
export function runDuration(run, now = Date.now()) {
  if (!run.started_at) return null;
  const end = run.finished_at ? Date.parse(run.finished_at) : run.status === 'running' ? now : null;
  return end === null ? null : end - Date.parse(run.started_at);
}

/** Pretty JSON for a <pre>. */
export function json(value) {
  return JSON.stringify(value, null, 2);
}

/** A short, stable label for a UUID-like id. */
export function shortId(id) {
  return String(id).length > 12 ? String(id).slice(0, 8) : String(id);
}
