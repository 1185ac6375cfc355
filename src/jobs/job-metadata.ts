/**
 * A job's free metadata and end of life, checked once for every input (API, YAML, CLI):
 * `extended_properties` (any JSON object, Tethys'), `labels` (a small map of text to filter
 * lists by) and `on_finish` (`delete`: Akjob's delete-when-done). Bounded, so no job row or
 * list filter grows past what an index and a page of jobs hold comfortably.
 */
import { ValidationError } from '../errors.ts';
import type { OnFinish } from '../db/schema.ts';

/** `extended_properties` as JSON text, at most this many bytes. */
export const MAX_EXTENDED_PROPERTIES_BYTES = 16_384;
/** Labels on one job. */
export const MAX_LABELS = 32;
/** A label's name: a letter or digit, then letters, digits and `. _ / -` (no `:` or `=`, which filters use). */
export const LABEL_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$';
/** A label's value, in characters. */
export const MAX_LABEL_VALUE = 200;
export const ON_FINISH: readonly OnFinish[] = ['keep', 'delete'];

const LABEL_NAME = new RegExp(LABEL_NAME_PATTERN);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Any JSON object, kept as given; null or absent: `{}`. */
export function parseExtendedProperties(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new ValidationError(`extended_properties must be a JSON object, got ${JSON.stringify(value)?.slice(0, 80)}`, { field: 'extended_properties' });
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > MAX_EXTENDED_PROPERTIES_BYTES) {
    throw new ValidationError(`extended_properties must be at most ${MAX_EXTENDED_PROPERTIES_BYTES} bytes of JSON, got ${bytes}`, { field: 'extended_properties' });
  }
  return value;
}

/** Checks one label's name, for definitions and filters alike. */
export function checkLabelName(name: string, field: string): string {
  if (!LABEL_NAME.test(name)) {
    throw new ValidationError(`label name ${JSON.stringify(name.slice(0, 80))} must be 1 to 63 letters, digits and . _ / -, starting with a letter or digit`, { field });
  }
  return name;
}

/** Checks one label's value; numbers and booleans (YAML's `tier: 1`) become their text. */
export function labelValue(value: unknown, field: string): string {
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (typeof text !== 'string') throw new ValidationError(`${field} must be text, got ${JSON.stringify(value)?.slice(0, 80)}`, { field });
  if (text.length > MAX_LABEL_VALUE) throw new ValidationError(`${field} must be at most ${MAX_LABEL_VALUE} characters`, { field });
  return text;
}

/** `{name: value}` with at most MAX_LABELS entries; null or absent: `{}`. */
export function parseLabels(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new ValidationError(`labels must be an object of name: value, e.g. {team: data}`, { field: 'labels' });
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) throw new ValidationError(`labels must be at most ${MAX_LABELS}, got ${entries.length}`, { field: 'labels' });
  const labels: Record<string, string> = {};
  for (const [name, v] of entries) labels[checkLabelName(name, `labels.${name.slice(0, 80)}`)] = labelValue(v, `labels.${name}`);
  return labels;
}

/**
 * `keep` (default) or `delete`. A default job (`source` `yaml:…`) cannot delete itself: its file
 * would create it again at the next startup, and run it again.
 */
export function parseOnFinish(value: unknown, source: string): OnFinish {
  if (value === undefined || value === null || value === '') return 'keep';
  if (!ON_FINISH.includes(value as OnFinish)) {
    throw new ValidationError(`on_finish must be 'keep' or 'delete', got ${JSON.stringify(value)?.slice(0, 80)}`, { field: 'on_finish' });
  }
  if (value === 'delete' && source.startsWith('yaml:')) {
    throw new ValidationError(`on_finish: delete is for jobs made through the API or CLI; a default job's file would create it again at every startup (delete the file instead)`, { field: 'on_finish' });
  }
  return value as OnFinish;
}

/**
 * `GET /jobs?label=team:data&label=env:prod`: each `name:value` (the value may hold `:`), all of
 * which a job must carry; at most MAX_LABELS of them.
 */
export function parseLabelFilter(values: readonly string[]): Record<string, string> {
  if (values.length > MAX_LABELS) throw new ValidationError(`label may be given at most ${MAX_LABELS} times, got ${values.length}`, { field: 'label' });
  const wanted: Record<string, string> = {};
  for (const text of values) {
    const colon = text.indexOf(':');
    if (colon < 0) throw new ValidationError(`label must be name:value, e.g. team:data; got ${JSON.stringify(text.slice(0, 80))}`, { field: 'label' });
    const name = checkLabelName(text.slice(0, colon), 'label');
    const value = labelValue(text.slice(colon + 1), 'label');
    if (wanted[name] !== undefined && wanted[name] !== value) throw new ValidationError(`label ${name} is asked with two values; a job has one`, { field: 'label' });
    wanted[name] = value;
  }
  return wanted;
}
