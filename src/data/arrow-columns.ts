import type * as Arrow from 'apache-arrow';
import type { Vector } from 'apache-arrow';
import { epochHalvesToMicros, epochToMicros, nanosHalvesToMicros, parseDateTime } from '../core/time.ts';

let arrow: typeof Arrow | null = null;

/**
 * Loads apache-arrow once. Only the Arrow IPC reader and the parquet-wasm path need it, so
 * importing Lockstep (or reading CSV and flat Parquet bars) does not; they call this first.
 */
export async function loadArrow(): Promise<typeof Arrow> {
  return (arrow ??= await import('apache-arrow'));
}

function lib(): typeof Arrow {
  if (!arrow) throw new Error('internal: loadArrow() must run before reading Arrow columns');
  return arrow;
}

/** Arrow's time units (SECOND, MILLISECOND, MICROSECOND, NANOSECOND = 0…3, from the format spec) in µs. */
const UNIT_TO_MICROS: Record<number, number> = { 0: 1_000_000, 1: 1_000, 2: 1, 3: 0.001 };

/** Describes a column type we cannot read, for error messages. */
export class UnsupportedColumn extends Error {}

/** True for an Arrow column of text: UTF-8, large UTF-8, or dictionary-encoded UTF-8 (as parquet-wasm gives a Parquet dictionary column of strings back). */
export function isTextType(type: Arrow.DataType): boolean {
  const { DataType } = lib();
  return DataType.isUtf8(type) || DataType.isLargeUtf8(type) || (DataType.isDictionary(type) && DataType.isUtf8(type.dictionary));
}

/** A text cell read as a number: a date-time as µs when `asTime`, else the number it spells; NaN for null, blank or anything else. */
export function textAsNumber(s: string | null, asTime: boolean): number {
  if (s === null) return Number.NaN;
  return asTime ? parseDateTime(s) : Number(s.trim() === '' ? Number.NaN : s);
}

/**
 * Reads an Arrow column as doubles: numbers as they are, nulls as NaN, timestamps and
 * dates as µs since the epoch (`asTime`), strings parsed as numbers or date-times.
 */
export function arrowColumnToFloat64(vec: Vector, asTime: boolean): Float64Array {
  const n = vec.length;
  // Zero copy: one chunk of doubles without nulls is used as it is.
  if (!asTime && vec.data.length === 1 && vec.data[0].nullCount === 0 && vec.data[0].values instanceof Float64Array) {
    const d = vec.data[0];
    return (d.values as Float64Array).subarray(d.offset, d.offset + d.length);
  }
  const out = new Float64Array(n);
  const type = vec.type;
  const { DataType } = lib();
  let o = 0;
  for (const data of vec.data) {
    const len = data.length;
    const values = data.values as ArrayLike<number | bigint>;
    const off = data.offset;
    if (DataType.isTimestamp(type) || (asTime && DataType.isInt(type) && type.bitWidth === 64)) {
      const scale = DataType.isTimestamp(type) ? UNIT_TO_MICROS[type.unit] : 0;
      const v64 = values as unknown as BigInt64Array;
      // Read each int64 as two int32 halves: far faster than Number(bigint), exact below 2^53, and nanoseconds to µs exactly.
      const halves = new Int32Array(v64.buffer, v64.byteOffset + off * 8, len * 2);
      for (let i = 0; i < len; i++) {
        const hi = halves[2 * i + 1];
        const lo = halves[2 * i] >>> 0;
        out[o + i] = scale === 0 ? epochHalvesToMicros(hi, lo) : scale === 0.001 ? nanosHalvesToMicros(hi, lo) : (hi * 4294967296 + lo) * scale;
      }
    } else if (DataType.isDate(type)) {
      for (let i = 0; i < len; i++) {
        const v = data.type.unit === 0 ? Number(values[off + i]) * 86_400_000_000 : Number(values[off + i]) * 1_000;
        out[o + i] = v;
      }
    } else if (DataType.isFloat(type) || DataType.isInt(type)) {
      if (values instanceof Float64Array) out.set(values.subarray(off, off + len), o);
      else for (let i = 0; i < len; i++) out[o + i] = Number(values[off + i]);
      if (asTime) for (let i = 0; i < len; i++) out[o + i] = epochToMicros(out[o + i]);
    } else if (isTextType(type)) {
      for (let i = 0; i < len; i++) out[o + i] = textAsNumber(vec.get(o + i) as string | null, asTime);
    } else if (DataType.isBool(type)) {
      for (let i = 0; i < len; i++) out[o + i] = vec.get(o + i) ? 1 : 0; // as the JavaScript decoder reads booleans
    } else {
      throw new UnsupportedColumn(`column type ${String(type)} is not supported`);
    }
    if (data.nullCount > 0) {
      for (let i = 0; i < len; i++) if (!data.getValid(i)) out[o + i] = Number.NaN;
    }
    o += len;
  }
  return out;
}
