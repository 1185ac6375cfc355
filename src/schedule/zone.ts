/**
 * Time-zone arithmetic on "wall" milliseconds: local clock fields encoded as if they were UTC,
 * so Date.UTC / getUTC* read and write local time without allocating zone objects.
 */
import { IANAZone } from 'luxon';
import { ScheduleError } from '../errors.ts';

const HOUR = 3_600_000;
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/UCT', 'UCT', 'Etc/Zulu', 'Zulu', 'Etc/Universal', 'Universal']);
const zones = new Map<string, IANAZone>();

/** Validates an IANA zone name and returns its canonical spelling ("europe/paris" → "Europe/Paris"). */
export function canonicalZone(value: unknown, field = 'timezone'): string {
  if (value === undefined || value === null || value === '') return 'UTC';
  if (typeof value !== 'string') throw new ScheduleError(field, `'${field}' must be an IANA time zone name such as "Europe/Paris"`);
  let name: string;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone: value.trim() }).resolvedOptions().timeZone;
  } catch {
    throw new ScheduleError(field, `Unknown '${field}': "${value}" (expected an IANA name such as "Europe/Paris" or "UTC")`);
  }
  return UTC_NAMES.has(name) ? 'UTC' : name;
}

function zone(name: string): IANAZone {
  let z = zones.get(name);
  if (z === undefined) zones.set(name, (z = IANAZone.create(name)));
  return z;
}

/** UTC offset of `name` at instant `ms`, in milliseconds. */
export function offsetMs(name: string, ms: number): number {
  return name === 'UTC' ? 0 : zone(name).offset(ms) * 60_000;
}

/** Instant → local wall clock. */
export function toWall(name: string, ms: number): number {
  return ms + offsetMs(name, ms);
}

/**
 * Local wall clock → instant, as RFC 5545 and Temporal's "compatible" mode do: a time that occurs
 * twice (fall back) means the first one; a time skipped by spring forward is read with the offset
 * before the gap, so 02:30 becomes 03:30. Assumes at most one transition within a day either side.
 */
export function fromWall(name: string, wall: number): number {
  if (name === 'UTC') return wall;
  const before = offsetMs(name, wall - 24 * HOUR);
  const after = offsetMs(name, wall + 24 * HOUR);
  const early = wall - before;
  const late = wall - after;
  const earlyValid = offsetMs(name, early) === before;
  const lateValid = offsetMs(name, late) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (earlyValid) return early;
  if (lateValid) return late;
  return early;
}

/** "2026-12-01 08:00" (seconds and milliseconds only when set) for a wall-clock value. */
export function formatWall(wall: number): string {
  const iso = new Date(wall).toISOString();
  const seconds = iso.slice(16, 23) === ':00.000' ? '' : iso.slice(19, 23) === '.000' ? iso.slice(16, 19) : iso.slice(16, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds}`;
}

/** "2026-12-01 08:00 UTC" or "2026-12-01 09:00 (Europe/Paris)". */
export function formatInstant(name: string, ms: number): string {
  return `${formatWall(toWall(name, ms))}${zoneSuffix(name)}`;
}

export function zoneSuffix(name: string): string {
  return name === 'UTC' ? ' UTC' : ` (${name})`;
}
