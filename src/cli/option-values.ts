// Reading typed values out of parseArgs' strings; a bad value is a UsageError (exit 2).
import { UsageError, type OptionValues } from './group.ts';
import { parseInstant } from './time-text.ts';

/** A string option, or undefined when absent. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole-number option within [min, max], or undefined when absent. */
export function intOption(values: OptionValues, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name}: expected a whole number from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
}

/** A one-of option, or undefined when absent. */
export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[]): T | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${name}: expected one of ${choices.join(', ')}, got '${value}'`);
  return value as T;
}

/** A comma-separated list of choices (`failed,timed_out`), or undefined when absent. */
export function choiceListOption<T extends string>(values: OptionValues, name: string, choices: readonly T[]): T[] | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  const items = value.split(',').map((item) => item.trim());
  const wrong = items.filter((item) => !(choices as readonly string[]).includes(item));
  if (wrong.length > 0 || items.length === 0) throw new UsageError(`--${name}: expected one or more of ${choices.join(', ')} (comma-separated), got '${value}'`);
  return items as T[];
}

/** An instant option (`2h`, `7d`, ISO-8601) as ISO-8601, or undefined when absent. */
export function instantOption(values: OptionValues, name: string): string | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  const iso = parseInstant(value);
  if (iso === null) throw new UsageError(`--${name}: expected an age such as 30m, 2h, 7d or an ISO-8601 time, got '${value}'`);
  return iso;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration option (`90s`, `5m`, `1h`; a bare number is seconds) in ms, or undefined when absent. */
export function durationOption(values: OptionValues, name: string): number | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  const match = DURATION.exec(value.trim());
  if (!match || Number(match[1]) <= 0) throw new UsageError(`--${name}: expected a duration such as 90s, 5m or 1h, got '${value}'`);
  return Number(match[1]) * DURATION_MS[match[2] ?? 's']!;
}
