import { daysFromCivil, epochDigitsToMicros, epochToMicros, isNanosEpoch, MICROS_PER_DAY, MICROS_PER_SECOND, parseDateTime } from '../core/time.ts';

/** Byte-level parsers for CSV fields: no string allocation on the common path. */

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Parses a decimal number in `buf[s, e)`. Plain decimals with at most 15 significant
 * digits are computed as integer / 10^k, which is exactly the correctly rounded double
 * (both operands are exact); other decimals (exponents, more digits) go through
 * `Number()`. NaN when the text is not a decimal number (hex, `Infinity`, words).
 */
export function parseNumber(buf: Uint8Array, s: number, e: number): number {
  while (s < e && buf[s] === 32) s++;
  while (e > s && buf[e - 1] === 32) e--;
  if (s < e && buf[s] === 34 && buf[e - 1] === 34) { s++; e--; }
  if (s >= e) return Number.NaN;
  let i = s;
  let neg = false;
  if (buf[i] === 45) { neg = true; i++; } else if (buf[i] === 43) i++;
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let seenDigit = false;
  for (; i < e; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) break;
    mant = mant * 10 + c;
    if (mant !== 0) digits++;
    seenDigit = true;
  }
  if (i < e && buf[i] === 46) {
    for (i++; i < e; i++) {
      const c = buf[i] - 48;
      if (c < 0 || c > 9) break;
      mant = mant * 10 + c;
      if (mant !== 0) digits++;
      frac++;
      seenDigit = true;
    }
  }
  if (i === e && seenDigit && digits <= 15 && frac <= 22) {
    const v = frac === 0 ? mant : mant / POW10[frac];
    return neg ? -v : v;
  }
  const text = latin1(buf, s, e);
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/** True when `text` is a decimal number (the grammar of every data file). */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** The number grammar of data files: decimal, optional sign, fraction and exponent — no hex, binary, `Infinity` or `NaN` words. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** End of the field parsed by the last `parseNumberField` call (index of its delimiter). */
export let fieldEnd = 0;

/**
 * Parses the number starting at `s` and ending at the next comma or at `lineEnd`, and
 * sets `fieldEnd`. Scanning and parsing are one pass; unusual text (spaces, quotes,
 * exponents, > 15 digits) falls back to `parseNumber` on the whole field.
 */
export function parseNumberField(buf: Uint8Array, s: number, lineEnd: number): number {
  let i = s;
  let neg = false;
  if (buf[i] === 45) { neg = true; i++; }
  let mant = 0;
  let digits = 0;
  let frac = -1;
  let c = 0;
  for (; i < lineEnd; i++) {
    c = buf[i];
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      if (mant !== 0) digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) {
      frac = 0;
    } else {
      break;
    }
  }
  if ((i === lineEnd || c === 44) && digits <= 15 && i > s + (neg ? 1 : 0) && frac !== 0 && frac <= 22) {
    fieldEnd = i;
    const v = frac <= 0 ? mant : mant / POW10[frac];
    return neg ? -v : v;
  }
  let e = i;
  while (e < lineEnd && buf[e] !== 44) e++;
  fieldEnd = e;
  return parseNumber(buf, s, e);
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i]);
  return out;
}

function digitsAt(buf: Uint8Array, s: number, n: number): number {
  let v = 0;
  for (let i = s; i < s + n; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}


/** Parses `YYYY-MM-DD` (or with `/`) at `s`; returns µs at midnight UTC or NaN. */
function parseDate(buf: Uint8Array, s: number): number {
  const y = digitsAt(buf, s, 4);
  const sep = buf[s + 4];
  if (y < 0 || (sep !== 45 && sep !== 47) || buf[s + 7] !== sep) return Number.NaN;
  const m = digitsAt(buf, s + 5, 2);
  const d = digitsAt(buf, s + 8, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31) return Number.NaN;
  return daysFromCivil(y, m, d) * MICROS_PER_DAY;
}

/** Parses `HH:MM[:SS[.ffffff]]` in `buf[s, e)` to µs since midnight, or NaN. */
export function parseTimeOfDay(buf: Uint8Array, s: number, e: number): number {
  while (s < e && buf[s] === 32) s++;
  while (e > s && (buf[e - 1] === 32 || buf[e - 1] === 90)) e--; // trailing spaces or 'Z'
  if (e - s < 5 || buf[s + 2] !== 58) return Number.NaN;
  const h = digitsAt(buf, s, 2);
  const mi = digitsAt(buf, s + 3, 2);
  if (h < 0 || h > 24 || mi < 0 || mi > 59) return Number.NaN;
  let us = (h * 3600 + mi * 60) * MICROS_PER_SECOND;
  if (e - s === 5) return us;
  if (buf[s + 5] !== 58 || e - s < 8) return Number.NaN;
  const sec = digitsAt(buf, s + 6, 2);
  if (sec < 0 || sec > 60) return Number.NaN;
  us += sec * MICROS_PER_SECOND;
  if (e - s === 8) return us;
  if (buf[s + 8] !== 46) return Number.NaN;
  let frac = 0;
  let scale = 100_000;
  for (let i = s + 9; i < e; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return Number.NaN;
    if (scale >= 1) frac += c * scale;
    scale /= 10;
  }
  return us + Math.floor(frac);
}

/**
 * Parses a timestamp field: `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS[.f]][Z]`, or an epoch
 * integer in s/ms/µs/ns. Text without an offset is UTC. Returns µs or NaN.
 */
export function parseTimestamp(buf: Uint8Array, s: number, e: number): number {
  while (s < e && buf[s] === 32) s++;
  while (e > s && buf[e - 1] === 32) e--;
  if (s < e && buf[s] === 34 && buf[e - 1] === 34) { s++; e--; }
  const len = e - s;
  if (len >= 10 && (buf[s + 4] === 45 || buf[s + 4] === 47)) {
    const day = parseDate(buf, s);
    if (len === 10) return day;
    const sep = buf[s + 10];
    if (sep !== 84 && sep !== 32) return Number.NaN;
    // Explicit offsets (+hh:mm) go through the general parser.
    const last = buf[e - 6];
    if (last === 43 || (last === 45 && len > 19)) return parseDateTime(latin1(buf, s, e));
    return day + parseTimeOfDay(buf, s + 11, e);
  }
  const v = parseNumber(buf, s, e);
  if (!Number.isInteger(v)) return Number.NaN;
  return isNanosEpoch(v) ? nanosFieldToMicros(buf, s, e, v) : epochToMicros(v);
}

/**
 * A nanosecond epoch field (|v| ≥ 1e17) as µs from its digits, exactly: its double `v` is
 * ±128 ns off. Written another way than plain digits (an exponent), it is read from `v`.
 */
function nanosFieldToMicros(buf: Uint8Array, s: number, e: number, v: number): number {
  const negative = buf[s] === 45;
  const from = negative || buf[s] === 43 ? s + 1 : s;
  for (let i = from; i < e; i++) if (buf[i] < 48 || buf[i] > 57) return epochToMicros(v);
  return epochDigitsToMicros(digitsAt(buf, from, e - 3 - from), digitsAt(buf, e - 3, 3), negative);
}
