import type { Physical } from './parquet-encodings.ts';
import { fixedPointOf, type FixedPoint, type FixedPointPrecision } from './fixed-point.ts';
import type { ThriftStruct, ThriftValue } from './thrift-compact.ts';

/**
 * What a Parquet schema element means to the JavaScript decoder (parquet-fast.ts): the column it
 * reads — physical type, time unit, unsigned, decimal scale — or null for one it leaves to the
 * general reader; and the accessors of the footer's Thrift values.
 */

/** A column's timestamp unit (or date) as its annotation states it. */
type TimeKind = { unit: 's' | 'ms' | 'us' | 'ns' } | 'date' | null;

/**
 * How a decoded column's raw numbers become µs when read as time (mirrors arrowColumnToFloat64):
 * nanosecond timestamps are decoded to µs already (physical `int64ns`, `int96`).
 */
export type DecodedTime = { unit: 's' | 'ms' | 'us' } | 'date' | null;

export interface FastColumn {
  readonly name: string;
  /** `text`: UTF-8 strings (BYTE_ARRAY annotated STRING / UTF8), only in files opened with `{ text: true }`; booleans read as 1 and 0. */
  readonly physical: Physical | 'boolean' | 'text';
  /** Timestamp unit or date from the logical / converted type; null for plain numbers. */
  readonly time: DecodedTime;
  readonly optional: boolean;
  /** An unsigned integer column: its values are read as unsigned (a uint32 of 2^31 or more, a uint64 of 2^63 or more). */
  readonly unsigned: boolean;
  /** A DECIMAL (int32, int64 or fixed-length bytes): its values are the integers over 10^scale (0: not a decimal). */
  readonly scale: number;
  /** Bytes per value of a `fixed` or `fixedPoint` column (FIXED_LEN_BYTE_ARRAY); 0 for the others. */
  readonly width: number;
  /** How a `fixedPoint` column (NautilusTrader's prices and quantities) reads; null for the others. */
  readonly fixedPoint: FixedPoint | null;
}


const PHYSICAL: Record<number, Physical | 'boolean'> = { 0: 'boolean', 1: 'int32', 2: 'int64', 3: 'int96', 4: 'float', 5: 'double' };
const BYTE_ARRAY = 6;
const FIXED_LEN_BYTE_ARRAY = 7;

/**
 * The column a flat schema element describes, or null when the decoder does not read it
 * (nested, repeated, an annotation it does not know). `text`: UTF-8 columns are read too.
 * `precision`: the file is NautilusTrader's (see FixedPointPrecision), whose unannotated
 * FIXED_LEN_BYTE_ARRAY columns of 8 or 16 bytes are its fixed-point raws.
 */
export function columnOf(el: ThriftStruct, text: boolean, precision: FixedPointPrecision | null = null): FastColumn | null {
  const fixedPoint = precision !== null && isRawBytes(el) ? fixedPointOf(str(el[4]), num(el[2]), precision) : null;
  if (fixedPoint !== null) {
    const rep = num(el[3]);
    if (rep !== 0 && rep !== 1) return null;
    return { name: str(el[4]), physical: 'fixedPoint', time: null, optional: rep === 1, unsigned: false, scale: 0, width: num(el[2]), fixedPoint };
  }
  const isText = text && num(el[1]) === BYTE_ARRAY && textAnnotation(el);
  const scale = isText ? -1 : decimalScale(el);
  // A wide DECIMAL (DuckDB's and Spark's above 18 digits, Arrow's decimal128/256) is fixed-length bytes.
  const width = scale >= 0 && num(el[1]) === FIXED_LEN_BYTE_ARRAY ? num(el[2]) : 0;
  const physical = isText ? 'text' : width >= 1 && width <= 32 ? 'fixed' : PHYSICAL[num(el[1])];
  const rep = num(el[3]);
  const decimal = scale >= 0 && (physical === 'int32' || physical === 'int64' || physical === 'fixed') && scale <= 22;
  if (!physical || el[5] !== undefined || (rep !== 0 && rep !== 1) || !(isText || decimal || plainAnnotation(el))) return null;
  const time = isText || decimal ? null : timeKindOf(el);
  // INT96 (always a timestamp) and INT64 nanosecond timestamps are decoded straight to µs (plainValues).
  const ns = time !== null && time !== 'date' && time.unit === 'ns';
  if (ns && physical !== 'int64') return null; // no other physical type holds nanosecond stamps
  return {
    name: str(el[4]), physical: ns ? 'int64ns' : physical, time: physical === 'int96' || ns ? { unit: 'us' } : (time as DecodedTime), optional: rep === 1,
    unsigned: !isText && !decimal && unsignedAnnotation(el), scale: decimal ? scale : 0, width: physical === 'fixed' ? width : 0, fixedPoint: null,
  };
}

/** True for a FIXED_LEN_BYTE_ARRAY with no logical or converted type (plain bytes). */
export function isRawBytes(el: ThriftStruct): boolean {
  return num(el[1]) === FIXED_LEN_BYTE_ARRAY && el[6] === undefined && el[10] === undefined;
}

export const num = (v: ThriftValue | undefined): number => (typeof v === 'number' ? v : Number.NaN);
export const str = (v: ThriftValue | undefined): string => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : '');
export const struct = (v: ThriftValue | undefined): ThriftStruct | undefined => (v !== undefined && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v) ? v : undefined);
export const list = (v: ThriftValue | undefined): ThriftValue[] => (Array.isArray(v) ? v : []);

/**
 * True when the column's annotation reads the same as a plain signed number or a
 * timestamp/date: decimals, times of day, unsigned and other logical types are left to
 * the general reader (a UINT64 or a DECIMAL read as raw integers would be wrong, silently).
 */
function plainAnnotation(el: ThriftStruct): boolean {
  const logical = struct(el[10]);
  if (logical) return struct(logical[6]) !== undefined || struct(logical[8]) !== undefined || struct(logical[10]) !== undefined;
  return el[6] === undefined || [6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].includes(num(el[6]));
}

/**
 * The scale of a DECIMAL annotation (logical type or converted type), or −1 for none. Only
 * decimals stored as int32 or int64 are read here (DuckDB's and Spark's up to 18 digits); wider
 * ones, in fixed-length byte arrays, stay with the general reader.
 */
function decimalScale(el: ThriftStruct): number {
  const logical = struct(struct(el[10])?.[5]);
  if (logical !== undefined) return num(logical[1]);
  return num(el[6]) === 5 ? num(el[7]) : -1;
}

/** True for an integer column annotated unsigned (INT logical type with isSigned false, or UINT_8 … UINT_64). */
function unsignedAnnotation(el: ThriftStruct): boolean {
  const int = struct(struct(el[10])?.[10]);
  if (int !== undefined) return int[2] === false;
  const converted = num(el[6]);
  return converted >= 11 && converted <= 14;
}

/** True for a BYTE_ARRAY column annotated as UTF-8 text (STRING logical type or UTF8 converted type), and nothing else. */
function textAnnotation(el: ThriftStruct): boolean {
  const logical = struct(el[10]);
  if (logical) return struct(logical[1]) !== undefined;
  return el[6] === 0;
}

/** The time unit (or date) of a column's logical or converted type; null for plain numbers. */
function timeKindOf(el: ThriftStruct): TimeKind {
  const logical = struct(el[10]);
  const ts = logical && struct(logical[8]);
  if (ts) {
    const unit = struct(ts[2]);
    if (unit?.[1] !== undefined) return { unit: 'ms' };
    if (unit?.[2] !== undefined) return { unit: 'us' };
    if (unit?.[3] !== undefined) return { unit: 'ns' };
  }
  if (logical && struct(logical[6])) return 'date';
  const converted = num(el[6]);
  if (converted === 9) return { unit: 'ms' };
  if (converted === 10) return { unit: 'us' };
  if (converted === 6) return 'date';
  return null;
}
