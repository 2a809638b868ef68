/**
 * Time is an integer count of microseconds since the Unix epoch held in a JS number
 * (exact up to 2^53 µs, i.e. the year 2255).
 */
export type Micros = number;

export const MICROS_PER_MILLI = 1_000;
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;
/** A Julian year (365.25 days), used to turn spans into years. */
export const MICROS_PER_YEAR = 365.25 * MICROS_PER_DAY;

/**
 * Latest time data may carry: 2200-01-01 (earliest: the epoch, 1970-01-01). Times are µs in
 * doubles and int64 columns; this keeps them exact integers (below 2^53 µs, year 2255).
 */
export const MAX_TIME_MICROS = Date.UTC(2200, 0, 1) * 1000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of `daysFromCivil`: days since 1970-01-01 → proleptic Gregorian y/m/d (Hinnant's algorithm). */
export function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** ISO-8601 UTC text of a micros timestamp, keeping sub-millisecond digits when present. */
export function isoFromMicros(ts: Micros): string {
  const ms = Math.floor(ts / MICROS_PER_MILLI);
  const iso = new Date(ms).toISOString();
  const rest = ts - ms * MICROS_PER_MILLI;
  return rest === 0 ? iso : `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/**
 * A count of nanoseconds held as two 32-bit halves (`hi` signed, `lo` unsigned) as µs, rounded
 * half up, exactly: the count itself is above 2^53 at today's dates, where doubles are 256 ns
 * apart, so it is never formed (2^32 = 4,294,967 × 1,000 + 296).
 */
export function nanosHalvesToMicros(hi: number, lo: number): number {
  return hi * 4_294_967 + Math.round((hi * 296 + lo) / 1_000);
}

/**
 * An epoch integer as µs, its unit read from its magnitude: s below 1e11, ms below 1e14, µs
 * below 1e17, ns from there (rounded half up). Exact for s, ms and µs; a nanosecond count is
 * above 2^53 at today's dates and already rounded as a double (±128 ns): where its digits or
 * halves are at hand, epochHalvesToMicros and epochDigitsToMicros read it exactly.
 */
export function epochToMicros(v: number): number {
  const a = Math.abs(v);
  if (a < 1e11) return v * MICROS_PER_SECOND;
  if (a < 1e14) return v * 1_000;
  if (!isNanosEpoch(v)) return v;
  return Math.round(v / 1_000);
}

/** True for an epoch integer epochToMicros reads as nanoseconds (1e17 or more in magnitude: beyond a double's exact integers). */
export function isNanosEpoch(v: number): boolean {
  return Math.abs(v) >= 1e17;
}

/** An int64 epoch held as two 32-bit halves (`hi` signed, `lo` unsigned) as epochToMicros reads it, nanosecond counts exactly. */
export function epochHalvesToMicros(hi: number, lo: number): number {
  const v = hi * 4_294_967_296 + lo;
  return isNanosEpoch(v) ? nanosHalvesToMicros(hi, lo) : epochToMicros(v);
}

/**
 * A nanosecond epoch written in decimal as µs, exactly: `head` its digits but the last three,
 * `tail` those three (0–999), rounded half up as nanosHalvesToMicros rounds.
 */
export function epochDigitsToMicros(head: number, tail: number, negative: boolean): number {
  return negative ? -head - (tail > 500 ? 1 : 0) : head + (tail >= 500 ? 1 : 0);
}

/** UTC calendar day number of a timestamp (days since epoch); used for DAY time-in-force. */
export function utcDay(ts: Micros): number {
  return Math.floor(ts / MICROS_PER_DAY);
}

/**
 * Parses a user-supplied date or date-time (`2006-01-02`, `2006-01-02T10:00:00Z`,
 * `2006-01-02 10:00:00.5`) as UTC when no offset is given. Returns NaN when unparseable.
 */
export function parseDateTime(text: string): Micros {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  let ts = daysFromCivil(Number(y), month, day) * MICROS_PER_DAY
    + (Number(h) * 3600 + Number(mi) * 60 + Number(s)) * MICROS_PER_SECOND
    + Number((frac + '000000').slice(0, 6));
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    ts -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * MICROS_PER_MINUTE;
  }
  return ts;
}
