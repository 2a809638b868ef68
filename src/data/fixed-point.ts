/**
 * NautilusTrader's fixed-point prices and quantities as its catalog stores them in Parquet:
 * FIXED_LEN_BYTE_ARRAY columns with no annotation holding the raw integer, little-endian two's
 * complement — 8 bytes with 9 decimal places (its standard precision) or 16 bytes with 16 (high
 * precision) — and the instrument's price and size precision in the schema's metadata. Read as
 * NautilusTrader reads them: the raw integer rounded to the nearest multiple of the precision's
 * unit (half away from zero: raws written as `int(value * scale)` carry stray digits), then the
 * value as a double, nearest to that decimal. Its sentinels (a price's maximum and minimum raw,
 * a quantity's maximum) read as NaN.
 */

/** How one fixed-point column's raw integers become values. */
export interface FixedPoint {
  /** Prices are signed, quantities unsigned. */
  readonly signed: boolean;
  /** Decimal places of the raw integers: 9 (8 bytes) or 16 (16 bytes). */
  readonly rawDecimals: number;
  /** Decimal places the values are rounded to (the file's price or size precision). */
  readonly decimals: number;
}

/** NautilusTrader's raw decimal places by byte width (its FIXED_PRECISION). */
const RAW_DECIMALS: Readonly<Record<number, number>> = { 8: 9, 16: 16 };

/** Column names whose values are quantities (size precision, unsigned): `volume`, `size`, `bid_size`, `ask_size_3`, … */
function isQuantityColumn(name: string): boolean {
  return /(^|_)(size|volume)(_\d+)?$/.test(name);
}

/** A NautilusTrader file's price and size precision (its schema metadata's `price_precision`, `size_precision`). */
export interface FixedPointPrecision {
  readonly price: number;
  readonly size: number;
}

/** The column's fixed-point reading, or null when `width` is not one NautilusTrader writes. */
export function fixedPointOf(name: string, width: number, precision: FixedPointPrecision): FixedPoint | null {
  const rawDecimals = RAW_DECIMALS[width];
  if (rawDecimals === undefined) return null;
  const quantity = isQuantityColumn(name);
  return { signed: !quantity, rawDecimals, decimals: quantity ? precision.size : precision.price };
}

/** 32-bit words of one raw integer, least significant first (scratch: decoding allocates nothing per value). */
const words = new Float64Array(4);
const TWO_32 = 4_294_967_296;
/** The top 32-bit word of a raw below 2^53 in magnitude is below this (and, negative, at or above its negation). */
const SMALL_TOP = 2 ** 21;

/**
 * `n` raw integers of `width` bytes from `src` at byte `p` into `out[at..at+n)` as values.
 * Exact: the rounding to the precision's unit is done on the integer (below 2^53 as a double;
 * wider ones split into 32-bit words and divided by powers of ten of at most 10^6, every step
 * below 2^53), and the result below 2^53 units becomes a double in one correctly rounded
 * division (beyond, where a double holds fewer digits than the value, within two units in its
 * last place).
 */
export function fixedPointValues(src: Uint8Array, p: number, width: number, fp: FixedPoint, out: Float64Array, at: number, n: number): void {
  const shift = Math.max(0, fp.rawDecimals - fp.decimals);
  const divisor = 10 ** shift;
  const scale = 10 ** (fp.rawDecimals - shift);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let k = 0, q = p; k < n; k++, q += width) {
    const raw = smallRaw(view, q, width, fp.signed);
    if (raw === raw) {
      const mag = Math.abs(raw);
      const units = shift === 0 ? mag : roundedQuotient(mag, divisor);
      out[at + k] = (raw < 0 ? -units : units) / scale;
    } else {
      out[at + k] = wideValue(view, q, width, fp.signed, shift) / scale;
    }
  }
}

/** The raw integer at byte `q` when its magnitude is below 2^53 (exact as a double), else NaN. */
function smallRaw(view: DataView, q: number, width: number, signed: boolean): number {
  const lo = view.getUint32(q, true);
  if (width === 8) {
    const top = signed ? view.getInt32(q + 4, true) : view.getUint32(q + 4, true);
    return top < SMALL_TOP && top >= -SMALL_TOP ? top * TWO_32 + lo : Number.NaN;
  }
  const w1 = view.getInt32(q + 4, true);
  const w2 = view.getUint32(q + 8, true);
  const w3 = view.getUint32(q + 12, true);
  if (w2 === 0 && w3 === 0 && w1 >= 0 && w1 < SMALL_TOP) return w1 * TWO_32 + lo;
  if (signed && w2 === 0xffffffff && w3 === 0xffffffff && w1 < 0 && w1 >= -SMALL_TOP) return w1 * TWO_32 + lo;
  return Number.NaN;
}

/** A raw of 2^53 or more in magnitude (or a sentinel: NaN) rounded to units of 10^shift, signed, from its 32-bit words. */
function wideValue(view: DataView, q: number, width: number, signed: boolean, shift: number): number {
  const m = width >> 2;
  for (let i = 0; i < m; i++) words[i] = view.getUint32(q + 4 * i, true);
  if (isSentinel(m, signed)) return Number.NaN;
  const negative = signed && words[m - 1] >= 0x80000000;
  if (negative) negate(m);
  const units = roundedUnits(m, shift);
  return negative ? -units : units;
}

/** NautilusTrader's undefined / error raws: a signed width's maximum or minimum, an unsigned width's maximum. */
function isSentinel(m: number, signed: boolean): boolean {
  const top = words[m - 1];
  // Every lower word all ones (a maximum) or all zeros (a signed minimum).
  const fill = !signed ? (top === 0xffffffff ? 0xffffffff : -1) : top === 0x7fffffff ? 0xffffffff : top === 0x80000000 ? 0 : -1;
  if (fill < 0) return false;
  for (let i = 0; i < m - 1; i++) if (words[i] !== fill) return false;
  return true;
}

/** Two's complement negation of the words in place (the magnitude of a negative raw). */
function negate(m: number): void {
  let carry = 1;
  for (let i = 0; i < m; i++) {
    const v = 0xffffffff - words[i] + carry;
    carry = v === TWO_32 ? 1 : 0;
    words[i] = carry === 1 ? 0 : v;
  }
}

/**
 * The magnitude in the words divided by 10^shift, rounded half away from zero, as a double
 * (2^53 or more: more than 15 significant digits, within two units in the last place). The
 * division goes in steps of at most 10^6, lowest first; what the earlier steps drop lies below
 * half of the last step's unit, so the last step's remainder alone decides the rounding.
 */
function roundedUnits(m: number, shift: number): number {
  let left = shift;
  while (left > 6) {
    divideWords(m, 10 ** 6);
    left -= 6;
  }
  if (left > 0) {
    const unit = 10 ** left;
    if (2 * divideWords(m, unit) >= unit) incrementWords(m);
  }
  let v = 0;
  for (let i = m - 1; i >= 0; i--) v = v * TWO_32 + words[i];
  return v;
}

/** Adds 1 to the words in place. */
function incrementWords(m: number): void {
  for (let i = 0; i < m; i++) {
    if (words[i] < 0xffffffff) {
      words[i]++;
      return;
    }
    words[i] = 0;
  }
}

/** v / d rounded half away from zero, for integers v < 2^53 and d ≤ 10^16. */
function roundedQuotient(v: number, d: number): number {
  let q = Math.floor(v / d);
  let r = v - q * d;
  if (r < 0) {
    q--;
    r += d;
  } else if (r >= d) {
    q++;
    r -= d;
  }
  return 2 * r >= d ? q + 1 : q;
}

/** Divides the words in place by d ≤ 10^6 (every partial below 2^52: exact); returns the remainder. */
function divideWords(m: number, d: number): number {
  let rem = 0;
  for (let i = m - 1; i >= 0; i--) {
    const cur = rem * TWO_32 + words[i];
    let q = Math.floor(cur / d);
    rem = cur - q * d;
    if (rem < 0) {
      q--;
      rem += d;
    }
    words[i] = q;
  }
  return rem;
}
