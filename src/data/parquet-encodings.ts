import { epochHalvesToMicros, epochToMicros, isNanosEpoch, nanosHalvesToMicros } from '../core/time.ts';
import { ThriftReader } from './thrift-compact.ts';
import { fixedPointValues, type FixedPoint } from './fixed-point.ts';

/**
 * Parquet's value encodings as parquet-fast.ts decodes them: PLAIN (numbers and UTF-8 byte arrays), the RLE / bit-packed
 * hybrid (definition levels, dictionary indices) and DELTA_BINARY_PACKED. Every read is
 * bounds-checked; malformed input throws a plain Error the caller turns into a DataError.
 */
/**
 * Physical types, and two INT64 columns decoded straight to µs: `int64ns` a TIMESTAMP(NANOS)
 * (see nanosHalvesToMicros), `int64epoch` a plain integer read as time, its unit by magnitude
 * (see epochHalvesToMicros: nanosecond counts are beyond 2^53, so they are never formed whole).
 */
export type Physical = 'int32' | 'int64' | 'int64ns' | 'int64epoch' | 'int96' | 'float' | 'double' | 'fixed' | 'fixedPoint';

/** Days from the Julian day count's origin to 1970-01-01 (Julian day 2,440,588). */
const UNIX_EPOCH_JULIAN_DAY = 2_440_588;

/**
 * An INT96 timestamp (Impala's, Hive's and older Spark's) at byte `q` as µs since the epoch:
 * 8 bytes of nanoseconds within the day (little-endian), then the Julian day (4 bytes). The
 * nanoseconds are rounded to the µs as an INT64 nanosecond timestamp's are.
 */
function int96Micros(src: Uint8Array, q: number): number {
  const lo = (src[q] | (src[q + 1] << 8) | (src[q + 2] << 16) | (src[q + 3] << 24)) >>> 0;
  const hi = (src[q + 4] | (src[q + 5] << 8) | (src[q + 6] << 16) | (src[q + 7] << 24)) >>> 0;
  const day = src[q + 8] | (src[q + 9] << 8) | (src[q + 10] << 16) | (src[q + 11] << 24);
  return (day - UNIX_EPOCH_JULIAN_DAY) * 86_400_000_000 + nanosHalvesToMicros(hi, lo);
}

/**
 * PLAIN values of a physical type from `src` at byte `p` into `out[at..at+n)`; `fixed`: a
 * FIXED_LEN_BYTE_ARRAY decimal's unscaled integers, `width` bytes each (see fixedIntegers);
 * `fixedPoint`: NautilusTrader's fixed-point raws of `width` bytes, read as `fixedPoint` says.
 */
export function plainValues(src: Uint8Array, p: number, physical: Physical, out: Float64Array, at: number, n: number, width = 0, fixedPoint: FixedPoint | null = null): void {
  if (n === 0) return;
  if (physical === 'fixed') {
    fixedIntegers(src, p, width, out, at, n);
    return;
  }
  if (physical === 'fixedPoint') {
    fixedPointValues(src, p, width, fixedPoint!, out, at, n);
    return;
  }
  if (physical === 'double') {
    new Uint8Array(out.buffer, out.byteOffset + at * 8, n * 8).set(src.subarray(p, p + n * 8));
    return;
  }
  if (physical === 'int96') {
    for (let k = 0; k < n; k++) out[at + k] = int96Micros(src, p + 12 * k);
    return;
  }
  if (physical === 'int64' || physical === 'int64ns' || physical === 'int64epoch') {
    // Copy the raw bytes into place, then read each int64 as two int32 halves (exact below 2^53; nanoseconds to µs exactly).
    new Uint8Array(out.buffer, out.byteOffset + at * 8, n * 8).set(src.subarray(p, p + n * 8));
    const halves = new Int32Array(out.buffer, out.byteOffset + at * 8, n * 2);
    if (physical === 'int64ns') for (let k = 0; k < n; k++) out[at + k] = nanosHalvesToMicros(halves[2 * k + 1], halves[2 * k] >>> 0);
    else if (physical === 'int64epoch') for (let k = 0; k < n; k++) out[at + k] = epochHalvesToMicros(halves[2 * k + 1], halves[2 * k] >>> 0);
    else for (let k = 0; k < n; k++) out[at + k] = halves[2 * k + 1] * 4294967296 + (halves[2 * k] >>> 0);
    return;
  }
  const tmp = new Uint8Array(n * 4);
  tmp.set(src.subarray(p, p + n * 4));
  const view = physical === 'int32' ? new Int32Array(tmp.buffer) : new Float32Array(tmp.buffer);
  for (let k = 0; k < n; k++) out[at + k] = view[k];
}

/**
 * Big-endian two's complement integers of `width` bytes (a wide DECIMAL's unscaled values, as
 * DuckDB, Spark and Arrow's decimal128 write them) as doubles: exact below 2^53 in magnitude,
 * the partial values never above the final one's; wider ones are rounded at each byte past
 * 2^53, within a few units in the last place of a double.
 */
function fixedIntegers(src: Uint8Array, p: number, width: number, out: Float64Array, at: number, n: number): void {
  for (let k = 0, q = p; k < n; k++, q += width) {
    let v = src[q] >= 128 ? src[q] - 256 : src[q];
    for (let j = 1; j < width; j++) v = v * 256 + src[q + j];
    out[at + k] = v;
  }
}

/** Strings that are not plain ASCII; fatal: bytes that are not UTF-8 are corruption, not U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `n` PLAIN BYTE_ARRAY values (a 4-byte little-endian length, then the bytes) from `src[p..end)`
 * as UTF-8 strings into `out[at..at+n)`. Short ASCII strings (sides, ids, tags) are built from
 * their bytes directly: a TextDecoder call per value costs more than the value.
 */
export function plainTexts(src: Uint8Array, p: number, end: number, out: string[], at: number, n: number): void {
  for (let k = 0; k < n; k++) {
    if (p + 4 > end) throw new Error('string values run past the page');
    const len = (src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)) >>> 0;
    p += 4;
    if (p + len > end) throw new Error('a string runs past the page');
    out[at + k] = text(src, p, len);
    p += len;
  }
}

/**
 * `n` DELTA_LENGTH_BYTE_ARRAY values from `src[p..end)` (DuckDB's Parquet v2 strings): every
 * length first, DELTA_BINARY_PACKED, then the bytes of every value back to back; as UTF-8
 * strings into `out[at..at+n)`.
 */
export function deltaLengthTexts(src: Uint8Array, p: number, end: number, out: string[], at: number, n: number): void {
  eachSuffix(src, p, end, n, (k, q, len) => { out[at + k] = text(src, q, len); });
}

/**
 * `n` DELTA_BYTE_ARRAY values from `src[p..end)` (parquet-mr's and Spark's Parquet v2 strings):
 * each value is the previous one's first `prefix` bytes and then its own suffix; every prefix
 * length first (DELTA_BINARY_PACKED), then the suffixes as DELTA_LENGTH_BYTE_ARRAY. Joined as
 * bytes (a prefix may end inside a character), then read as UTF-8 into `out[at..at+n)`.
 */
export function deltaTexts(src: Uint8Array, p: number, end: number, out: string[], at: number, n: number): void {
  if (n === 0) return;
  const prefixes = new Float64Array(n);
  let prev = new Uint8Array(0);
  eachSuffix(src, deltaBinaryPacked(src, p, end, n, prefixes, 0), end, n, (k, q, len) => {
    const keep = prefixes[k];
    if (!(keep >= 0 && keep <= prev.length)) throw new Error(`a prefix of ${keep} bytes of a ${prev.length}-byte value`);
    const value = new Uint8Array(keep + len);
    value.set(prev.subarray(0, keep));
    value.set(src.subarray(q, q + len), keep);
    out[at + k] = text(value, 0, value.length);
    prev = value;
  });
}

/** The `n` byte strings of a DELTA_LENGTH_BYTE_ARRAY block at `src[p..end)`: `each(k, start, length)`, bounds-checked. */
function eachSuffix(src: Uint8Array, p: number, end: number, n: number, each: (k: number, q: number, len: number) => void): void {
  if (n === 0) return;
  const lengths = new Float64Array(n);
  let q = deltaBinaryPacked(src, p, end, n, lengths, 0);
  for (let k = 0; k < n; k++) {
    const len = lengths[k];
    if (!(len >= 0) || q + len > end) throw new Error('a string runs past the page');
    each(k, q, len);
    q += len;
  }
}

/**
 * BYTE_STREAM_SPLIT values (Parquet v2 floats and doubles; any fixed width since format 2.11):
 * byte k of value i is at `src[p + k·n + i]`. Gathered back into PLAIN order, `n` values of
 * `width` bytes, for plainValues to read.
 */
export function unsplitBytes(src: Uint8Array, p: number, n: number, width: number): Uint8Array {
  if (p + n * width > src.length) throw new Error('values run past the page');
  const out = new Uint8Array(n * width);
  for (let k = 0; k < width; k++) {
    const from = p + k * n;
    for (let i = 0; i < n; i++) out[i * width + k] = src[from + i];
  }
  return out;
}

function text(src: Uint8Array, p: number, len: number): string {
  const bytes = src.subarray(p, p + len);
  if (len > 32) return utf8.decode(bytes);
  for (let i = 0; i < len; i++) if (bytes[i] >= 0x80) return utf8.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * `n` values of `w` bits packed LSB first from `src[p..end)` into `out[at..at+n)`; bytes
 * past `end` read as 0 (the padding of a last group).
 */
function unpackBits(src: Uint8Array, p: number, end: number, w: number, out: Float64Array | Uint32Array | Uint8Array, at: number, n: number): void {
  let acc = 0;
  let bits = 0;
  if (w <= 24) {
    // Fits 32-bit integer arithmetic: at most w − 1 + 8 bits are pending.
    const mask = (1 << w) - 1;
    for (let k = 0; k < n; k++) {
      while (bits < w) { acc |= (p < end ? src[p] : 0) << bits; p++; bits += 8; }
      out[at + k] = acc & mask;
      acc >>>= w;
      bits -= w;
    }
    return;
  }
  // Wider values are read 24 bits at a time: a pending sum of w + 7 bits would pass 2^53 (exact doubles) from w = 47 on.
  for (let k = 0; k < n; k++) {
    let v = 0;
    let mul = 1;
    for (let rem = w; rem > 0;) {
      const take = Math.min(rem, 24);
      while (bits < take) { acc += (p < end ? src[p] : 0) * 2 ** bits; p++; bits += 8; }
      const unit = 2 ** take;
      v += (acc % unit) * mul;
      acc = Math.floor(acc / unit);
      bits -= take;
      mul *= unit;
      rem -= take;
    }
    out[at + k] = v;
  }
}

/** Decodes `n` values of Parquet's RLE / bit-packed hybrid encoding (bit width `w`) from `src[p..end)`. */
export function rleHybrid(src: Uint8Array, p: number, end: number, w: number, n: number, out: Uint8Array | Uint32Array): void {
  const r = new ThriftReader(src, p, end);
  const bytesPerValue = (w + 7) >> 3;
  let k = 0;
  while (k < n) {
    const header = r.varint();
    if (header % 2 === 0) {
      const run = header / 2;
      if (run === 0) throw new Error('empty run');
      if (r.pos + bytesPerValue > end) throw new Error('run value past the end');
      let v = 0;
      for (let b = bytesPerValue - 1; b >= 0; b--) v = v * 256 + src[r.pos + b];
      r.pos += bytesPerValue;
      const stop = Math.min(n, k + run);
      for (; k < stop; k++) out[k] = v;
    } else {
      const groups = (header - 1) / 2;
      const count = Math.min(n - k, groups * 8);
      if (r.pos + groups * w > end && count === groups * 8) throw new Error('bit-packed run past the end');
      unpackBits(src, r.pos, end, w, out, k, count);
      k += count;
      r.pos += groups * w;
    }
  }
}

/** Largest integer a double holds exactly: delta-decoded values beyond it would be silently rounded. */
const EXACT = 2 ** 53;
const EXACT_BIG = 2n ** 53n;

/**
 * DELTA_BINARY_PACKED integers (Parquet's delta encoding) from `src[p..end)` into
 * `out[at..at+n)`. Values are summed in doubles, exact while they stay below 2^53 (µs
 * timestamps do); anything beyond is refused rather than rounded. Nanosecond stamps (a
 * TIMESTAMP(NANOS), `int64ns`, or an `int64epoch` page whose first value is 1e17 or more:
 * beyond 2^53 since 1970-04-15) are summed as offsets from the page's first value and
 * written as µs, exactly (see nanosFromFirst); other `int64epoch` values go through epochToMicros.
 * Returns where the encoded values end (DELTA_LENGTH_BYTE_ARRAY's bytes follow there).
 */
export function deltaBinaryPacked(src: Uint8Array, p: number, end: number, n: number, out: Float64Array, at: number, physical: Physical = 'int64'): number {
  const r = new ThriftReader(src, p, end);
  const blockSize = r.varint();
  const miniblocks = r.varint();
  const total = r.varint();
  const first = r.zigzagBig();
  const nanos = physical === 'int64ns' || (physical === 'int64epoch' && isNanosEpoch(Number(first)));
  if (!nanos && !(first < EXACT_BIG && first > -EXACT_BIG)) throw new Error('delta-encoded integer beyond 2^53');
  let value = nanos ? 0 : Number(first);
  if (!(blockSize > 0 && blockSize % 128 === 0 && miniblocks > 0 && blockSize % (miniblocks * 32) === 0)) throw new Error('bad delta block layout');
  if (total < n) throw new Error('delta page holds fewer values than announced');
  if (n === 0) return r.pos;
  out[at] = value;
  let k = 1;
  const perMini = blockSize / miniblocks;
  while (k < n) {
    const minDelta = r.zigzag();
    if (r.pos + miniblocks > end) throw new Error('delta block header ends early');
    const widthsAt = r.pos;
    r.pos += miniblocks;
    for (let m = 0; m < miniblocks && k < n; m++) {
      const w = src[widthsAt + m];
      if (w > 64) throw new Error(`delta bit width ${w}`);
      const count = Math.min(n - k, perMini);
      // Unpack the miniblock's offsets in place, then sum them up into values.
      unpackBits(src, r.pos, end, w, out, at + k, count);
      for (let stop = k + count; k < stop; k++) {
        let d = out[at + k];
        // Deltas are two's complement modulo 2^64: a packed value near 2^64 is a negative step.
        if (w === 64 && d >= 2 ** 63) d -= 2 ** 64;
        value += minDelta + d;
        out[at + k] = value;
      }
      if (!(Math.abs(value) < EXACT)) throw new Error('delta-encoded integer beyond 2^53');
      r.pos += (perMini * w) / 8;
      if (r.pos > end && k < n) throw new Error('delta miniblock runs past the page');
    }
  }
  if (nanos) nanosFromFirst(first, out, at, n);
  else if (physical === 'int64epoch') for (let k = at; k < at + n; k++) out[k] = epochToMicros(out[k]);
  return r.pos;
}

/**
 * Offsets in ns from `first` (exact doubles) in `out[at..at+n)` as µs since the epoch, rounded
 * half up: ⌊first / 1000⌋ plus the offset with the rest of `first`, over 1000.
 */
function nanosFromFirst(first: bigint, out: Float64Array, at: number, n: number): void {
  let whole = first / 1000n;
  if (whole * 1000n > first) whole -= 1n; // BigInt division truncates: floor it
  const rest = Number(first - whole * 1000n);
  const base = Number(whole);
  for (let k = at; k < at + n; k++) out[k] = base + Math.round((rest + out[k]) / 1000);
}
