import { deltaBinaryPacked, deltaLengthTexts, deltaTexts, plainTexts, plainValues, rleHybrid, unsplitBytes, type Physical } from './parquet-encodings.ts';
import type { FixedPoint } from './fixed-point.ts';

/**
 * The values of one Parquet data page as parquet-fast.ts decodes them, once its levels are
 * read: into doubles (numbers) or strings (text), from PLAIN, dictionary or delta encodings.
 * Malformed pages throw a plain Error the reader turns into a DataError naming the file.
 */

/** A data page with its levels read: `count` slots, `present` of them with a value, the values at `page[at..]`. */
export interface PageValues {
  readonly page: Uint8Array;
  readonly at: number;
  readonly encoding: number;
  readonly count: number;
  readonly present: number;
  /** Definition levels (1 = a value) of an optional column's page; null when every slot has one. */
  readonly defs: Uint8Array | null;
}

/** Bytes per PLAIN value (`fixed`, `fixedPoint`: the column's own width). */
const WIDTH: Record<Exclude<Physical, 'fixed' | 'fixedPoint'>, number> = { int32: 4, int64: 8, int64ns: 8, int64epoch: 8, int96: 12, float: 4, double: 8 };
const widthOf = (physical: Physical, width: number): number => (physical === 'fixed' || physical === 'fixedPoint' ? width : WIDTH[physical]);
const enum Encoding { PLAIN = 0, PLAIN_DICTIONARY = 2, RLE = 3, DELTA_BINARY_PACKED = 5, DELTA_LENGTH_BYTE_ARRAY = 6, DELTA_BYTE_ARRAY = 7, RLE_DICTIONARY = 8, BYTE_STREAM_SPLIT = 9 }

/**
 * A dictionary page's `count` PLAIN entries: doubles for numbers, strings for text (`width`: a
 * `fixed` or `fixedPoint` column's bytes per value; `fixedPoint`: how a `fixedPoint` column reads).
 */
export function dictionaryOf(page: Uint8Array, physical: Physical | 'boolean' | 'text', count: number, width = 0, fixedPoint: FixedPoint | null = null): Float64Array | string[] {
  if (!(count >= 0)) throw new Error('dictionary page too short');
  if (physical === 'boolean') throw new Error('a dictionary of booleans');
  if (physical === 'text') {
    const dict = new Array<string>(count);
    plainTexts(page, 0, page.length, dict, 0, count);
    return dict;
  }
  if (count * widthOf(physical, width) > page.length) throw new Error('dictionary page too short');
  const dict = new Float64Array(count);
  plainValues(page, 0, physical, dict, 0, count, width, fixedPoint);
  return dict;
}

/** A page's numbers (booleans as 1 and 0) into `out` from `filled` on; null slots read as NaN (`width`, `fixedPoint`: as dictionaryOf's). */
export function numberValues(v: PageValues, physical: Physical | 'boolean', dict: Float64Array | null, out: Float64Array, filled: number, width = 0, fixedPoint: FixedPoint | null = null): void {
  const { page, at, present } = v;
  // Values land densely at `filled`, then spread over the null slots (NaN) when there are any.
  if (physical === 'boolean') {
    booleanValues(v, out, filled);
  } else if (v.encoding === Encoding.PLAIN) {
    if (at + present * widthOf(physical, width) > page.length) throw new Error('values run past the page');
    plainValues(page, at, physical, out, filled, present, width, fixedPoint);
  } else if (isDictionary(v.encoding)) {
    if (!dict) throw new Error('dictionary-encoded page without a dictionary');
    const idx = dictionaryIndexes(v, dict.length);
    for (let k = 0; k < present; k++) out[filled + k] = dict[idx[k]];
  } else if (v.encoding === Encoding.DELTA_BINARY_PACKED && physical !== 'int96' && physical !== 'float' && physical !== 'double' && physical !== 'fixed' && physical !== 'fixedPoint') {
    deltaBinaryPacked(page, at, page.length, present, out, filled, physical);
  } else if (v.encoding === Encoding.BYTE_STREAM_SPLIT && physical !== 'int96') {
    plainValues(unsplitBytes(page, at, present, widthOf(physical, width)), 0, physical, out, filled, present, width, fixedPoint);
  } else {
    throw new Error(`unsupported encoding ${v.encoding}`);
  }
  if (v.defs && present < v.count) spread(v.defs, out, filled, present, Number.NaN);
}

/**
 * Booleans: PLAIN is one bit per value, least significant first; RLE (data pages v2) is the
 * RLE / bit-packed hybrid of width 1 after a 4-byte length.
 */
function booleanValues(v: PageValues, out: Float64Array, filled: number): void {
  const { page, at, present } = v;
  if (v.encoding === Encoding.PLAIN) {
    if (at + ((present + 7) >>> 3) > page.length) throw new Error('values run past the page');
    for (let k = 0; k < present; k++) out[filled + k] = (page[at + (k >>> 3)] >>> (k & 7)) & 1;
  } else if (v.encoding === Encoding.RLE) {
    if (at + 4 > page.length) throw new Error('boolean run length missing');
    const len = (page[at] | (page[at + 1] << 8) | (page[at + 2] << 16) | (page[at + 3] << 24)) >>> 0;
    if (at + 4 + len > page.length) throw new Error('boolean runs run past the page');
    const bits = new Uint8Array(present);
    rleHybrid(page, at + 4, at + 4 + len, 1, present, bits);
    for (let k = 0; k < present; k++) out[filled + k] = bits[k];
  } else {
    throw new Error(`unsupported encoding ${v.encoding} for booleans`);
  }
}

/** A page's strings into `out` from `filled` on; null slots read as ''. */
export function textValues(v: PageValues, dict: string[] | null, out: string[], filled: number): void {
  if (v.encoding === Encoding.PLAIN) {
    plainTexts(v.page, v.at, v.page.length, out, filled, v.present);
  } else if (v.encoding === Encoding.DELTA_LENGTH_BYTE_ARRAY) {
    deltaLengthTexts(v.page, v.at, v.page.length, out, filled, v.present);
  } else if (v.encoding === Encoding.DELTA_BYTE_ARRAY) {
    deltaTexts(v.page, v.at, v.page.length, out, filled, v.present);
  } else if (isDictionary(v.encoding)) {
    if (!dict) throw new Error('dictionary-encoded page without a dictionary');
    const idx = dictionaryIndexes(v, dict.length);
    for (let k = 0; k < v.present; k++) out[filled + k] = dict[idx[k]];
  } else {
    throw new Error(`unsupported encoding ${v.encoding} for text`);
  }
  if (v.defs && v.present < v.count) spread(v.defs, out, filled, v.present, '');
}

function isDictionary(encoding: number): boolean {
  return encoding === Encoding.PLAIN_DICTIONARY || encoding === Encoding.RLE_DICTIONARY;
}

/** The page's dictionary indexes (a bit width byte, then the RLE / bit-packed hybrid), each checked against the dictionary's `size`. */
function dictionaryIndexes(v: PageValues, size: number): Uint32Array {
  const idx = new Uint32Array(v.present);
  if (v.present === 0) return idx;
  if (v.at >= v.page.length) throw new Error('missing index bit width');
  const width = v.page[v.at];
  if (width > 32) throw new Error(`index bit width ${width}`);
  rleHybrid(v.page, v.at + 1, v.page.length, width, v.present, idx);
  for (let k = 0; k < idx.length; k++) if (idx[k] >= size) throw new Error(`dictionary index ${idx[k]} out of range`);
  return idx;
}

/** Moves the `present` values packed at `out[filled..]` to their slots among `defs.length` and fills the null slots with `none`. */
function spread<T>(defs: Uint8Array, out: { [k: number]: T }, filled: number, present: number, none: T): void {
  let src = filled + present - 1;
  for (let k = defs.length - 1; k >= 0; k--) out[filled + k] = defs[k] ? out[src--] : none;
}
