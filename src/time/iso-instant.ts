// Date.prototype.toISOString is a call into V8's C++ runtime (≈ 0.7 µs here), and an API page
// of 50 jobs formats 200 instants: a quarter of the service's CPU per `GET /jobs` went there.
// This builds the same text from the epoch milliseconds in plain arithmetic (≈ 0.2 µs).

const MS_PER_DAY = 86_400_000;
// Years 0000–9999 print as 4 digits; the others take toISOString's ±YYYYYY form.
const MIN_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const four = (n: number): string => (n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`);

/** The instant as `Date.prototype.toISOString` writes it (`2026-11-23T05:16:00.123Z`). */
export function isoInstant(date: Date): string {
  const ms = date.getTime();
  if (!(ms >= MIN_MS && ms <= MAX_MS)) return date.toISOString(); // throws for an invalid date, as it would
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  // Civil date from days since 1970-01-01 (Howard Hinnant's civil_from_days).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${four(year)}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${three(rest - seconds * 1000)}Z`;
}

/** An instant in an API view: a Date as isoInstant writes it, text (already ISO) as it is, none as null. */
export function isoOrNull(value: Date | string | null | undefined): string | null {
  return value instanceof Date ? isoInstant(value) : (value ?? null);
}
