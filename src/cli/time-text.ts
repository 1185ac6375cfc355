// How the CLI writes instants and durations for people: absolute times in UTC with
// a relative hint ("in 4m", "2h ago"); JSON output keeps the service's ISO strings.

/** `2025-02-20 14:56:00Z`, or '' for a missing value. */
export function absolute(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** `in 4m` / `2h ago` / `now`, relative to `now`. */
export function relative(value: string | null | undefined, now = Date.now()): string {
  if (!value) return '';
  const at = new Date(value).getTime();
  if (Number.isNaN(at)) return '';
  const delta = at - now;
  if (Math.abs(delta) < 1000) return 'now';
  const text = shortDuration(Math.abs(delta));
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

/** Absolute time followed by the relative hint: `2025-02-20 14:56:00Z (in 4m)`. */
export function when(value: string | null | undefined, now = Date.now()): string {
  if (!value) return '';
  return `${absolute(value)} (${relative(value, now)})`;
}

/** `850ms`, `12.3s`, `4m`, `2h 5m`, `3d 4h`: two units at most. */
export function shortDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.filter((p) => !/^0[a-z]$/.test(p)).join(' ');
}

/** Run duration from its start and finish (or until now while it runs). */
export function runDuration(startedAt: string | null | undefined, finishedAt: string | null | undefined, now = Date.now()): string {
  if (!startedAt) return '';
  const start = new Date(startedAt).getTime();
  const end = finishedAt ? new Date(finishedAt).getTime() : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return '';
  return shortDuration(Math.max(0, end - start));
}

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Reads `--since`/`--until`: an age such as `30m`, `2h`, `7d` (that long ago), or
 * anything Date understands (ISO-8601 preferred). Returns ISO-8601, or null if unreadable.
 */
export function parseInstant(value: string, now = Date.now()): string | null {
  const match = RELATIVE.exec(value.trim());
  if (match) return new Date(now - Number(match[1]) * UNIT_MS[match[2]!]!).toISOString();
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}
