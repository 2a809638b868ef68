import { closeSync, openSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { asFileError } from '../core/files.ts';
import { ThriftWriter } from './thrift-compact-write.ts';

/**
 * A Parquet file written a row group at a time, synchronously, in constant memory — how a
 * long run's equity, fills, orders and trades leave the process while it runs. Columns are
 * required (no nulls) and uncompressed: µs timestamps INT64 DELTA_BINARY_PACKED (regular
 * bars cost nothing per row; PLAIN when a group spans more than 2^52 µs) annotated
 * TIMESTAMP(MICROS, UTC); doubles and strings
 * dictionary-encoded per row group (indices in the RLE / bit-packed hybrid) while a group
 * has at most 4,096 distinct values — prices on a tick grid, cash between trades, sides and
 * statuses — and PLAIN beyond, in that group and every later one of the column. The footer
 * is written by `close()`; a file that was never closed has no footer and no reader takes it
 * for complete.
 */
export type StreamColumnKind = 'double' | 'timestamp' | 'string';
export type StreamSchema = Readonly<Record<string, StreamColumnKind>>;
/** A row group's column: numbers (timestamps as µs in doubles) or strings. */
export type StreamValues = Float64Array | readonly string[];

const MAGIC = Buffer.from('PAR1');
const PHYSICAL = { double: 5, timestamp: 2, string: 6 } as const;
const MAX_DICTIONARY = 4096;
const enum Enc { PLAIN = 0, RLE = 3, DELTA_BINARY_PACKED = 5, RLE_DICTIONARY = 8 }

interface ChunkMeta { kind: StreamColumnKind; encodings: number[]; rows: number; size: number; dataOffset: number; dictOffset: number }
interface GroupMeta { rows: number; size: number; columns: ChunkMeta[] }

if (endianness() !== 'LE') throw new Error('parquet-stream writes doubles as they lie in memory: a little-endian machine is needed');

export class ParquetStreamWriter {
  private readonly fd: number;
  private pos = 0;
  private readonly groups: GroupMeta[] = [];
  private closed = false;
  /**
   * Columns with more distinct values than a dictionary takes in an earlier row group: PLAIN
   * from then on, untried (a column of order ids filled 4,096 map entries in every group
   * before it gave up: 10–25 ms per 229k rows of new id strings).
   */
  private readonly plainOnly = new Set<string>();

  /** Creates (or truncates) `file` and writes the leading magic. */
  constructor(readonly file: string, private readonly schema: StreamSchema) {
    try {
      this.fd = openSync(file, 'w');
    } catch (e) {
      throw asFileError(e, file, 'create');
    }
    this.put(MAGIC);
  }

  /** Rows written so far. */
  get rows(): number {
    return this.groups.reduce((s, g) => s + g.rows, 0);
  }

  /** Appends the first `rows` values of every schema column as one row group. */
  writeRowGroup(columns: Readonly<Record<string, StreamValues>>, rows: number): void {
    if (rows === 0) return;
    const metas: ChunkMeta[] = [];
    const start = this.pos;
    for (const [name, kind] of Object.entries(this.schema)) {
      const v = columns[name];
      if (v === undefined || v.length < rows) throw new RangeError(`${this.file}: column "${name}" has ${v?.length ?? 0} values, the row group ${rows}`);
      metas.push(this.writeChunk(name, kind, v, rows));
    }
    this.groups.push({ rows, size: this.pos - start, columns: metas });
  }

  /** Writes the footer and closes the file. */
  close(): void {
    if (this.closed) return;
    const footer = fileMetaData(this.schema, this.groups, this.rows);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(footer.length);
    this.put(footer);
    this.put(len);
    this.put(MAGIC);
    this.closed = true;
    closeSync(this.fd);
  }

  /** Closes the file without a footer (the caller removes it). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private writeChunk(name: string, kind: StreamColumnKind, v: StreamValues, rows: number): ChunkMeta {
    const start = this.pos;
    if (kind === 'timestamp') {
      const values = v as Float64Array;
      const delta = spread(values, rows) <= 2 ** 52; // then every delta and its offset from the block's least stay exact
      const body = delta ? deltaBinaryPacked(values, rows) : plainInt64(values, rows);
      const enc = delta ? Enc.DELTA_BINARY_PACKED : Enc.PLAIN;
      this.page(dataPageHeader(rows, enc, body.length), body);
      return { kind, encodings: [enc], rows, size: this.pos - start, dataOffset: start, dictOffset: -1 };
    }
    const dict = this.plainOnly.has(name) ? null : dictionaryOf(v, rows);
    if (dict === TOO_MANY) this.plainOnly.add(name);
    if (dict === null || dict === TOO_MANY) {
      const body = plainValues(v, rows);
      this.page(dataPageHeader(rows, Enc.PLAIN, body.length), body);
      return { kind, encodings: [Enc.PLAIN], rows, size: this.pos - start, dataOffset: start, dictOffset: -1 };
    }
    const dictBody = plainValues(kind === 'string' ? dict.values as string[] : Float64Array.from(dict.values as number[]), dict.values.length);
    this.page(dictionaryPageHeader(dict.values.length, dictBody.length), dictBody);
    const dataOffset = this.pos;
    const body = hybridIndices(dict.idx, rows, dict.values.length);
    this.page(dataPageHeader(rows, Enc.RLE_DICTIONARY, body.length), body);
    return { kind, encodings: [Enc.PLAIN, Enc.RLE, Enc.RLE_DICTIONARY], rows, size: this.pos - start, dataOffset, dictOffset: start };
  }

  private page(header: Uint8Array, body: Uint8Array): void {
    this.put(header);
    this.put(body);
  }

  private put(b: Uint8Array): void {
    try {
      for (let off = 0; off < b.length;) off += writeSync(this.fd, b, off, b.length - off);
    } catch (e) {
      throw asFileError(e, this.file, 'write');
    }
    this.pos += b.length;
  }
}

function dataPageHeader(rows: number, encoding: number, size: number): Uint8Array {
  const w = new ThriftWriter();
  w.structBody((h) => h.i32(1, 0).i32(2, size).i32(3, size)
    .struct(5, (d) => d.i32(1, rows).i32(2, encoding).i32(3, Enc.RLE).i32(4, Enc.RLE)));
  return w.bytes().slice();
}

function dictionaryPageHeader(values: number, size: number): Uint8Array {
  const w = new ThriftWriter();
  w.structBody((h) => h.i32(1, 2).i32(2, size).i32(3, size).struct(7, (d) => d.i32(1, values).i32(2, Enc.PLAIN)));
  return w.bytes().slice();
}

/** PLAIN bytes of the first `n` values: doubles as they lie in memory, strings length-prefixed. */
function plainValues(v: StreamValues, n: number): Uint8Array {
  if (!(v instanceof Float64Array)) return plainStrings(v, n);
  const f = v.slice(0, n);
  return new Uint8Array(f.buffer, 0, f.byteLength);
}

/** PLAIN byte arrays: each value's UTF-8 length (4 bytes, little-endian), then its bytes; written into one buffer sized first. */
function plainStrings(v: readonly string[], n: number): Uint8Array {
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += 4 + Buffer.byteLength(v[i], 'utf8');
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = out.write(v[i], at + 4, 'utf8');
    out.writeUInt32LE(len, at);
    at += 4 + len;
  }
  return out;
}

/** Bits needed for a non-negative safe integer. */
function bitWidth(x: number): number {
  let b = 0;
  for (; x >= 1; b++) x = Math.floor(x / 2);
  return b;
}

/** A row group's values overflowed the dictionary (more than MAX_DICTIONARY distinct). */
const TOO_MANY = 'too-many';

/**
 * The distinct values of a row group and each row's index; TOO_MANY past MAX_DICTIONARY
 * values, null for doubles with a NaN or a −0 (which the dictionary would merge with 0).
 */
function dictionaryOf(v: StreamValues, rows: number): { values: (string | number)[]; idx: Uint32Array } | typeof TOO_MANY | null {
  return v instanceof Float64Array ? doubleDictionary(v, rows) : stringDictionary(v, rows);
}

function stringDictionary(v: readonly string[], rows: number): { values: string[]; idx: Uint32Array } | typeof TOO_MANY {
  const map = new Map<string, number>();
  const idx = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    let k = map.get(v[i]);
    if (k === undefined) {
      if (map.size === MAX_DICTIONARY) return TOO_MANY;
      map.set(v[i], (k = map.size));
    }
    idx[i] = k;
  }
  return { values: [...map.keys()], idx };
}

const SLOTS = 8192; // open addressing, at most half full
const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** Doubles by their bits in an open-addressing table (a Map of numbers is several times slower). */
function doubleDictionary(v: Float64Array, rows: number): { values: number[]; idx: Uint32Array } | typeof TOO_MANY | null {
  const keys = new Float64Array(SLOTS);
  const slot = new Int32Array(SLOTS).fill(-1);
  const values: number[] = [];
  const idx = new Uint32Array(rows);
  let prev = Number.NaN;
  let prevK = -1;
  for (let i = 0; i < rows; i++) {
    const x = v[i];
    if (x === prev && prevK >= 0 && !Object.is(x, -0)) {
      idx[i] = prevK;
      continue;
    }
    if (x !== x || Object.is(x, -0)) return null; // NaN ≠ itself; −0 === 0: both need PLAIN
    scratch[0] = x;
    let h = (Math.imul(scratchBits[0] ^ scratchBits[1], 0x9e3779b1) >>> 19) & (SLOTS - 1);
    while (slot[h] >= 0 && keys[h] !== x) h = (h + 1) & (SLOTS - 1);
    if (slot[h] < 0) {
      if (values.length === MAX_DICTIONARY) return TOO_MANY;
      keys[h] = x;
      slot[h] = values.length;
      values.push(x);
    }
    idx[i] = prevK = slot[h];
    prev = x;
  }
  return { values, idx };
}

/**
 * Dictionary indices: the bit width byte, then the RLE / bit-packed hybrid — a run of 16
 * or more equal indices as an RLE run (header = length << 1, the value in ⌈width/8⌉
 * bytes), everything else bit-packed in groups of 8 (header = groups << 1 | 1; the last
 * group zero-padded, which readers ignore past the value count).
 */
function hybridIndices(idx: Uint32Array, rows: number, distinct: number): Uint8Array {
  const width = bitWidth(distinct - 1);
  const w = new ThriftWriter();
  w.byte(width);
  let packedFrom = 0; // start of the values waiting to be bit-packed
  for (let i = 0; i < rows;) {
    let j = i + 1;
    while (j < rows && idx[j] === idx[i]) j++;
    // The bit-packed stretch before a run must hold a multiple of 8 values: the run lends them.
    const lend = (8 - ((i - packedFrom) % 8)) % 8;
    if (j - i - lend >= 16) {
      packIndices(w, idx, packedFrom, i + lend, width);
      w.varint((j - i - lend) * 2);
      for (let b = 0, v = idx[i]; b < Math.ceil(width / 8); b++, v >>>= 8) w.byte(v & 0xff);
      packedFrom = j;
    }
    i = j;
  }
  packIndices(w, idx, packedFrom, rows, width);
  return w.bytes();
}

/** Values [from, to) as one bit-packed run (zero-padded to a multiple of 8). */
function packIndices(w: ThriftWriter, idx: Uint32Array, from: number, to: number, width: number): void {
  if (to <= from) return;
  const groups = Math.ceil((to - from) / 8);
  w.varint(groups * 2 + 1);
  let acc = 0;
  let bits = 0;
  for (let k = from; k < from + groups * 8; k++) {
    acc |= (k < to ? idx[k] : 0) << bits; // width ≤ 12 (4,096 values): acc stays under 2^20
    bits += width;
    for (; bits >= 8; bits -= 8) {
      w.byte(acc & 0xff);
      acc >>>= 8;
    }
  }
}

/** Largest minus smallest of the first `n` values. */
function spread(values: Float64Array, n: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return n === 0 ? 0 : hi - lo;
}

/** INT64 PLAIN: each (safe integer) value as 8 little-endian bytes. */
function plainInt64(values: Float64Array, n: number): Uint8Array {
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isSafeInteger(values[i])) throw new RangeError(`timestamp ${values[i]} at row ${i} is not an integer count of µs`);
    out[i] = BigInt(values[i]);
  }
  return new Uint8Array(out.buffer);
}

/**
 * DELTA_BINARY_PACKED: blocks of 128 deltas in 4 miniblocks of 32, each block's deltas
 * stored minus its smallest, bit-packed at the miniblock's width (LSB first). Values must
 * be safe integers (µs since 1970 are).
 */
export function deltaBinaryPacked(values: Float64Array, n: number): Uint8Array {
  const w = new ThriftWriter();
  w.varint(128);
  w.varint(4);
  w.varint(n);
  if (n === 0) {
    w.zigzag(0);
    return w.bytes();
  }
  for (let i = 0; i < n; i++) if (!Number.isSafeInteger(values[i])) throw new RangeError(`timestamp ${values[i]} at row ${i} is not an integer count of µs`);
  w.zigzag(values[0]);
  const d = new Float64Array(128);
  for (let start = 1; start < n; start += 128) {
    const m = Math.min(128, n - start);
    let min = Infinity;
    for (let k = 0; k < m; k++) min = Math.min(min, (d[k] = values[start + k] - values[start + k - 1]));
    for (let k = 0; k < m; k++) d[k] -= min;
    w.zigzag(min);
    const widths = [0, 1, 2, 3].map((mb) => miniblockWidth(d, mb * 32, Math.min(m, mb * 32 + 32)));
    for (const width of widths) w.byte(width);
    for (let mb = 0; mb * 32 < m; mb++) packBits(w, d, mb * 32, Math.min(m, mb * 32 + 32), widths[mb]);
  }
  return w.bytes();
}

function miniblockWidth(d: Float64Array, from: number, to: number): number {
  let max = 0;
  for (let k = from; k < to; k++) max = Math.max(max, d[k]);
  return bitWidth(max);
}

/** 32 values (zero-padded past `to`) at `width` bits each, least significant bit first. */
function packBits(w: ThriftWriter, d: Float64Array, from: number, to: number, width: number): void {
  let acc = 0;
  let bits = 0;
  if (width <= 24) {
    for (let k = from; k < from + 32; k++) {
      acc |= (k < to ? d[k] : 0) << bits; // under 2^24 shifted by at most 7: fits 31 bits
      bits += width;
      for (; bits >= 8; bits -= 8) {
        w.byte(acc & 0xff);
        acc >>>= 8;
      }
    }
    return;
  }
  for (let k = from; k < from + 32; k++) {
    let x = k < to ? d[k] : 0;
    for (let rem = width; rem > 0;) {
      const take = Math.min(rem, 24);
      const unit = 2 ** take;
      acc += (x % unit) * 2 ** bits;
      x = Math.floor(x / unit);
      bits += take;
      rem -= take;
      for (; bits >= 8; bits -= 8) {
        w.byte(acc % 256);
        acc = Math.floor(acc / 256);
      }
    }
  }
}

function fileMetaData(schema: StreamSchema, groups: readonly GroupMeta[], rows: number): Uint8Array {
  const names = Object.keys(schema);
  const w = new ThriftWriter();
  w.structBody((f) => f.i32(1, 1)
    .listStruct(2, ['', ...names], (s, name) => (name === '' ? s.string(4, 'schema').i32(5, names.length) : schemaElement(s, name, schema[name])))
    .i64(3, rows)
    .listStruct(4, groups, (g, group) => g
      .listStruct(1, group.columns.map((c, i) => ({ c, name: names[i] })), (cc, { c, name }) => cc.i64(2, c.dataOffset).struct(3, (m) => {
        m.i32(1, PHYSICAL[c.kind]).listI32(2, c.encodings).listString(3, [name]).i32(4, 0).i64(5, c.rows)
          .i64(6, c.size).i64(7, c.size).i64(9, c.dataOffset);
        if (c.dictOffset >= 0) m.i64(11, c.dictOffset);
      }))
      .i64(2, group.size).i64(3, group.rows))
    .string(6, 'lockstep parquet-stream'));
  return w.bytes().slice();
}

function schemaElement(s: ThriftWriter, name: string, kind: StreamColumnKind): void {
  s.i32(1, PHYSICAL[kind]).i32(3, 0).string(4, name);
  if (kind === 'timestamp') s.i32(6, 10).struct(10, (l) => l.struct(8, (t) => t.bool(1, true).struct(2, (u) => u.struct(2, () => undefined))));
  if (kind === 'string') s.i32(6, 0).struct(10, (l) => l.struct(1, () => undefined));
}
