// The audit log's words and shapes, without the DOM (tested in Node): action labels, the filters
// a URL holds and the API query they make, and a `modified` entry's diff as before → after rows.

/** Every action the API records, in the order the filter offers them. */
export const AUDIT_ACTIONS = ['created', 'modified', 'deleted', 'paused', 'resumed', 'ran_now', 'cancelled', 'service_paused', 'service_resumed'];

const LABELS = {
  created: 'created',
  modified: 'modified',
  deleted: 'deleted',
  paused: 'paused',
  resumed: 'resumed',
  ran_now: 'ran now',
  cancelled: 'cancelled a run',
  service_paused: 'paused the scheduler',
  service_resumed: 'resumed the scheduler',
};

/** The action in words ("ran now"); an action this page does not know is shown as recorded. */
export function actionLabel(action) {
  return LABELS[action] ?? String(action).replace(/_/g, ' ');
}

/** Preset time ranges: [URL value, label, milliseconds back from now]. */
export const AUDIT_RANGES = [
  ['', 'any time', null],
  ['1h', 'last hour', 3_600_000],
  ['24h', 'last 24 hours', 86_400_000],
  ['7d', 'last 7 days', 7 * 86_400_000],
  ['30d', 'last 30 days', 30 * 86_400_000],
];

/**
 * The filters a URL's query holds, cleaned: unknown actions and ranges are dropped, and
 * `since`/`until` are kept only when they are instants (they win over a preset range).
 */
export function auditFilters(search) {
  const p = new URLSearchParams(search);
  const text = (k) => (p.get(k) ?? '').trim();
  const instant = (k) => {
    const v = text(k);
    return v && !Number.isNaN(Date.parse(v)) ? new Date(Date.parse(v)).toISOString() : '';
  };
  const action = text('action');
  const range = text('range');
  return {
    job_id: text('job_id'),
    actor: text('actor'),
    action: AUDIT_ACTIONS.includes(action) ? action : '',
    range: AUDIT_RANGES.some(([v]) => v === range) ? range : '',
    since: instant('since'),
    until: instant('until'),
  };
}

/** The query string that keeps `filters` in the URL ('' when none is set). */
export function auditSearch(filters) {
  const q = new URLSearchParams();
  for (const k of ['job_id', 'actor', 'action', 'range', 'since', 'until']) if (filters[k]) q.set(k, filters[k]);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The GET /audit parameters for `filters` at `now` (ms): a preset range becomes `since`; explicit instants win. */
export function auditApiParams(filters, now) {
  const span = AUDIT_RANGES.find(([v]) => v === filters.range)?.[2] ?? null;
  const since = filters.since || (span === null ? '' : new Date(now - span).toISOString());
  return { job_id: filters.job_id, actor: filters.actor, action: filters.action, since, until: filters.until };
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A stored value as one short line: strings as they are, nothing as an em dash, the rest as compact JSON. */
export function formatValue(value) {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * A `modified` entry's `detail.diff` ({field: {from, to}}) as rows to read before → after. Object
 * fields (kwargs, schedule_input) are opened one level, so a changed argument is its own row
 * (`kwargs.command`), and keys unchanged inside them are left out. Rows keep the diff's field order.
 */
export function diffRows(detail) {
  const diff = isPlainObject(detail?.diff) ? detail.diff : {};
  const rows = [];
  for (const [field, change] of Object.entries(diff)) {
    const from = isPlainObject(change) ? change.from : undefined;
    const to = isPlainObject(change) ? change.to : undefined;
    if (isPlainObject(from) && isPlainObject(to)) {
      const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
      for (const key of keys) {
        if (JSON.stringify(from[key]) === JSON.stringify(to[key])) continue;
        rows.push({ field: `${field}.${key}`, from: formatValue(from[key]), to: formatValue(to[key]) });
      }
    } else {
      rows.push({ field, from: formatValue(from), to: formatValue(to) });
    }
  }
  return rows;
}

/** A one-line summary of an entry's detail for actions other than `modified` ('' when there is nothing to say). */
export function detailSummary(entry) {
  const d = isPlainObject(entry.detail) ? entry.detail : {};
  switch (entry.action) {
    case 'paused':
    case 'resumed':
      return d.from || d.to ? `${d.from ?? '—'} → ${d.to ?? '—'}` : '';
    case 'cancelled':
      return d.from ? `the run was ${d.from}` : '';
    case 'created':
    case 'deleted':
      return isPlainObject(d.definition) && d.definition.handler ? `handler ${d.definition.handler}` : '';
    default:
      return '';
  }
}
