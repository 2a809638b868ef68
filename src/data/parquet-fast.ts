import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DataError } from '../core/errors.ts';
import { epochToMicros } from '../core/time.ts';
import { CODECS, inflatePage } from './parquet-codecs.ts';
import { rleHybrid } from './parquet-encodings.ts';
import { columnOf, isRawBytes, list, num, str, struct, type FastColumn } from './parquet-schema.ts';
import type { FixedPointPrecision } from './fixed-point.ts';
import { arrowSchemaMetadata } from './arrow-schema-metadata.ts';
import { dictionaryOf, numberValues, textValues, type PageValues } from './parquet-page-values.ts';
import { ThriftReader, type ThriftStruct } from './thrift-compact.ts';
import { holdLatest } from '../core/hold-latest.ts';

/**
 * A direct Parquet decoder for flat tables: INT32, INT64 (timestamps; plain epochs read as time
 * by magnitude), INT96 timestamps, FLOAT, DOUBLE, BOOLEAN and DECIMAL (int32, int64 or
 * fixed-length bytes) columns, and UTF-8 strings in files opened with `{ text: true }`
 * (`readRowGroupTexts`); required or optional; PLAIN, dictionary, DELTA_BINARY_PACKED (how we
 * write timestamps), BYTE_STREAM_SPLIT and the two delta string encodings (Parquet v2: DuckDB's,
 * Spark's); data pages v1 and v2; uncompressed, Snappy, gzip, Brotli, zstd, LZ4 or LZ4_RAW
 * pages. Row groups decode a column at a time straight into Float64Arrays — no WASM, no Arrow
 * IPC round trip — which is several times faster than the general reader and lets a reader
 * thread hand over the first batch after one row group, not a whole file. Files outside that
 * subset (nesting, LZO, decimals of more than 22 places) go to the
 * general reader: `open` returns null for them. Corrupted files raise a DataError naming the file.
 *
 * Decoding here rather than in parquet-wasm also keeps WebAssembly memory from growing in the
 * thread: a grown memory detaches its old ArrayBuffer, and from a thread's first detached buffer
 * on V8 checks every typed-array access of its optimized code for detachment (~10 % more
 * instructions per bar in every backtest the process runs after).
 */

// plain, plain_dictionary, rle, bit_packed (levels), delta_binary_packed, delta_length_byte_array, delta_byte_array, rle_dictionary, byte_stream_split
const ENCODINGS = new Set([0, 2, 3, 4, 5, 6, 7, 8, 9]);

interface Chunk { column: number; codec: number; numValues: number; start: number; end: number }

/** `text`: also take UTF-8 string columns (read with readRowGroupTexts). */
export interface OpenOptions { readonly text?: boolean }

/** Where a file stops making sense: a DataError at row 0 naming the file. */
function corrupt(file: string, what: string): DataError {
  return new DataError({ file, row: 0 }, `not a readable Parquet file (${what})`, 'Check the file is complete, uncorrupted Parquet');
}

/** A Parquet file's bytes, read once for either decoder; a DataError naming the file when unreadable. */
export async function readParquetBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new DataError({ file, row: 0 }, `cannot read the file (${(e as Error).message})`, 'Check the path');
  }
}

/** Where a file's bytes come from: memory, or the open file read range by range. */
interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Uint8Array;
  close(): void;
}

function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (start, end) => bytes.subarray(start, end), close: () => undefined };
}

function fileSource(file: string): ByteSource {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new DataError({ file, row: 0 }, `cannot read the file (${(e as Error).message})`, 'Check the path');
  }
  const size = fstatSync(fd).size;
  return {
    size,
    read(start, end) {
      const out = Buffer.allocUnsafe(end - start);
      for (let got = 0; got < out.length;) {
        const n = readSync(fd, out, got, out.length - got, start + got);
        if (n === 0) throw corrupt(file, 'the file ended while being read');
        got += n;
      }
      return out;
    },
    close: () => closeSync(fd),
  };
}

export class FastParquet {
  readonly columns: FastColumn[];
  readonly numRows: number;
  readonly rowGroups: { numRows: number; chunks: Chunk[] }[];
  /** A NautilusTrader file's price and size precision (see fixedPointPrecision); null for other files. */
  readonly precision: FixedPointPrecision | null;

  private constructor(private readonly source: ByteSource, private readonly file: string, meta: ThriftStruct, columns: FastColumn[], precision: FixedPointPrecision | null) {
    this.columns = columns;
    this.precision = precision;
    this.numRows = num(meta[3]);
    this.rowGroups = list(meta[4]).map((g, gi) => {
      const rg = struct(g) ?? {};
      const n = num(rg[3]);
      const chunks = list(rg[1]).map((c, ci): Chunk => {
        const md = struct(struct(c)?.[3]);
        if (!md) throw corrupt(file, `row group ${gi} column ${ci} has no metadata`);
        const dict = num(md[11]);
        const data = num(md[9]);
        const start = Number.isFinite(dict) && dict > 0 && dict < data ? dict : data;
        const end = start + num(md[7]);
        if (!(start >= 4 && end <= source.size - 8 && Number.isSafeInteger(end))) throw corrupt(file, `row group ${gi} column ${ci} lies outside the file`);
        return { column: ci, codec: num(md[4]), numValues: num(md[5]), start, end };
      });
      // Flat columns hold one value (or null) per row.
      if (!(n >= 0 && n < 2 ** 31) || chunks.length !== columns.length || chunks.some((c) => c.numValues !== n)) {
        throw corrupt(file, `row group ${gi} does not match the schema`);
      }
      return { numRows: n, chunks };
    });
    if (!(this.numRows >= 0) || this.rowGroups.reduce((s, g) => s + g.numRows, 0) !== this.numRows) throw corrupt(file, 'row counts disagree');
  }

  /**
   * Opens a Parquet file held in `bytes`; null when it uses something this decoder does
   * not handle (then use the general reader). Throws DataError when the footer is broken.
   */
  static open(bytes: Uint8Array, file: string, opts: OpenOptions = {}): FastParquet | null {
    return FastParquet.openSource(memorySource(bytes), file, opts);
  }

  /**
   * Opens a Parquet file on disk reading only its footer; row groups are read from the
   * file as they are decoded, so memory stays one row group whatever the file's size.
   * Null when the general reader is needed; `close()` when done.
   */
  static openFile(file: string, opts: OpenOptions = {}): FastParquet | null {
    const source = fileSource(file);
    try {
      const fast = FastParquet.openSource(source, file, opts);
      if (fast === null) source.close();
      return fast;
    } catch (e) {
      source.close();
      throw e;
    }
  }

  /** Releases the file (nothing to do for bytes in memory). */
  close(): void {
    this.source.close();
  }

  private static openSource(source: ByteSource, file: string, opts: OpenOptions): FastParquet | null {
    const n = source.size;
    if (n < 12) throw corrupt(file, 'no PAR1 magic at its start and end');
    const tail = source.read(n - 8, n);
    if (!magic(source.read(0, 4), 0) || !magic(tail, 4)) throw corrupt(file, 'no PAR1 magic at its start and end');
    const len = tail[0] | (tail[1] << 8) | (tail[2] << 16) | (tail[3] << 24);
    if (len <= 0 || len > n - 12) throw corrupt(file, 'footer length out of range');
    let meta: ThriftStruct;
    const footer = new ThriftReader(source.read(n - 8 - len, n - 8));
    try {
      meta = footer.readStruct();
    } catch (e) {
      throw corrupt(file, `footer: ${(e as Error).message}`);
    }
    const schema = list(meta[2]).map((e) => struct(e) ?? {});
    if (schema.length < 2 || num(schema[0][5]) !== schema.length - 1) return null; // nested or empty
    const columns: FastColumn[] = [];
    const precision = schema.some(isRawBytes) ? fixedPointPrecision(meta, file) : null;
    for (const el of schema.slice(1)) {
      const column = columnOf(el, opts.text === true, precision);
      if (column === null) return null;
      columns.push(column);
    }
    for (const g of list(meta[4])) {
      for (const c of list(struct(g)?.[1])) {
        const md = struct(struct(c)?.[3]);
        if (!md || !CODECS.has(num(md[4])) || !list(md[2]).every((e) => ENCODINGS.has(num(e)))) return null;
      }
    }
    const fast = new FastParquet(source, file, meta, columns, precision);
    holdLatest('parquet-reader', { fast, footer }); // the next file's decoder reuses this one's compiled code (see hold-latest)
    return fast;
  }

  /**
   * Decodes number column `name` of row group `g` as doubles, nulls as NaN: timestamps and
   * dates as µs always, and a plain integer column as µs when read as time (`asTime`), its unit
   * by magnitude (epochToMicros) — an INT64 of nanoseconds exactly, decoded from its halves
   * (as a double it would be ±128 ns off). Plain numbers stay as they are.
   */
  readColumn(g: number, name: string, asTime: boolean): Float64Array {
    const index = this.columns.findIndex((c) => c.name === name);
    const col = this.columns[index];
    if (col === undefined || col.physical === 'text') throw new Error(`${this.file}: no number column "${name}"`);
    const rg = this.rowGroups[g];
    const epoch = asTime && col.physical === 'int64' && col.time === null && col.scale === 0;
    // A uint64 of 2^63 or more read as time is refused as before 1970 (validation), not read as the year 2554.
    const decoded = epoch ? { ...col, physical: 'int64epoch' as const, time: { unit: 'us' as const }, unsigned: false } : col;
    return toMicros(decoded, this.decodeChunk(rg.chunks[index], decoded, rg.numRows, g, new Float64Array(rg.numRows)), asTime);
  }

  /** Decodes every text column of row group `g` (files opened with `{ text: true }`); a null reads as ''. */
  readRowGroupTexts(g: number): Map<string, string[]> {
    const rg = this.rowGroups[g];
    const out = new Map<string, string[]>();
    for (const c of rg.chunks) {
      const col = this.columns[c.column];
      if (col.physical === 'text') out.set(col.name, this.decodeChunk(c, col, rg.numRows, g, new Array<string>(rg.numRows).fill('')));
    }
    return out;
  }

  /** Decodes a column chunk's pages into `out` (rows long: doubles for numbers, strings for text). */
  private decodeChunk<T extends Float64Array | string[]>(c: Chunk, col: FastColumn, rows: number, g: number, out: T): T {
    const where = `row group ${g}, column ${col.name}`;
    let dict: Float64Array | string[] | null = null;
    let filled = 0;
    let pos = 0;
    try {
      const bytes = this.source.read(c.start, c.end);
      const end = bytes.length;
      while (filled < rows) {
        if (pos >= end) throw new Error('column chunk ends before its values');
        const r = new ThriftReader(bytes, pos, end);
        const h = r.readStruct();
        const type = num(h[1]);
        const rawSize = num(h[2]);
        const size = num(h[3]);
        const body = r.pos;
        if (!(size >= 0 && rawSize >= 0 && body + size <= end)) throw new Error('page runs past its column chunk');
        pos = body + size;
        if (type === 2) {
          const dh = struct(h[7]);
          const count = num(dh?.[1]);
          const page = inflatePage(c.codec, bytes.subarray(body, pos), rawSize);
          dict = dictionaryOf(page, col.physical, count, col.width, col.fixedPoint);
        } else if (type === 0 || type === 3) {
          const v = this.dataPage(bytes, h, type, c.codec, body, pos, rawSize, col, filled, rows);
          if (col.physical === 'text') textValues(v, dict as string[] | null, out as string[], filled);
          else numberValues(v, col.physical, dict as Float64Array | null, out as Float64Array, filled, col.width, col.fixedPoint);
          filled += v.count;
        } else if (type !== 1) {
          throw new Error(`unknown page type ${type}`);
        }
      }
      if (col.unsigned) asUnsigned(out as Float64Array, col.physical === 'int64' ? 2 ** 64 : 2 ** 32);
      if (col.scale > 0) unscale(out as Float64Array, 10 ** col.scale);
      return out;
    } catch (e) {
      if (e instanceof DataError) throw e;
      throw corrupt(this.file, `${where}: ${(e as Error).message}`);
    }
  }

  /** A data page's header read, its levels decoded and its values located (page v1 or v2, decompressed). */
  private dataPage(
    bytes: Uint8Array, h: ThriftStruct, type: number, codec: number, body: number, end: number, rawSize: number,
    col: FastColumn, filled: number, rows: number,
  ): PageValues {
    const v2 = type === 3;
    const dh = struct(v2 ? h[8] : h[5]);
    if (!dh) throw new Error('data page without its header');
    const count = num(dh[1]);
    const encoding = num(v2 ? dh[4] : dh[2]);
    if (!(count >= 0) || filled + count > rows) throw new Error('more values than rows');
    let page: Uint8Array;
    let p = 0;
    let defs: Uint8Array | null = null;
    if (v2) {
      const defLen = num(dh[5]);
      const repLen = num(dh[6]);
      if (repLen !== 0 || !(defLen >= 0) || defLen > end - body) throw new Error('bad level lengths');
      if (col.optional) {
        defs = new Uint8Array(count);
        rleHybrid(bytes, body, body + defLen, 1, count, defs);
      }
      const values = bytes.subarray(body + defLen, end);
      page = dh[7] === false ? values : inflatePage(codec, values, rawSize - defLen);
    } else {
      page = inflatePage(codec, bytes.subarray(body, end), rawSize);
      if (col.optional) {
        if (page.length < 4) throw new Error('page too short for its levels');
        const len = page[0] | (page[1] << 8) | (page[2] << 16) | (page[3] << 24);
        if (len < 0 || 4 + len > page.length) throw new Error('definition levels run past the page');
        defs = new Uint8Array(count);
        rleHybrid(page, 4, 4 + len, 1, count, defs);
        p = 4 + len;
      }
    }
    let present = count;
    if (defs) {
      present = 0;
      for (let k = 0; k < count; k++) present += defs[k];
    }
    return { page, at: p, encoding, count, present, defs };
  }

}

/**
 * The price and size precision of a NautilusTrader file: keys of the footer's key-value metadata
 * (as pyarrow writes a schema's), or of the Arrow schema in its `ARROW:schema` entry (as arrow-rs,
 * NautilusTrader's Rust catalog, writes them). Null when the file states neither (its plain bytes
 * columns are then not read here).
 */
function fixedPointPrecision(meta: ThriftStruct, file: string): FixedPointPrecision | null {
  const kv = new Map(list(meta[5]).map((e) => [str(struct(e)?.[1]), str(struct(e)?.[2])] as const));
  let keys: ReadonlyMap<string, string> = kv;
  if (!kv.has('price_precision') && kv.has('ARROW:schema')) {
    try {
      keys = arrowSchemaMetadata(kv.get('ARROW:schema')!);
    } catch (e) {
      throw corrupt(file, `its ARROW:schema metadata: ${(e as Error).message}`);
    }
  }
  const digits = (key: string): number => {
    const v = Number(keys.get(key) ?? Number.NaN);
    return Number.isInteger(v) && v >= 0 && v <= 16 ? v : Number.NaN;
  };
  const price = digits('price_precision');
  const size = digits('size_precision');
  return Number.isNaN(price) || Number.isNaN(size) ? null : { price, size };
}

/** A decimal's unscaled integers to their values: one correctly rounded division each (10^scale is exact up to 10^22). */
function unscale(values: Float64Array, divisor: number): void {
  for (let k = 0; k < values.length; k++) values[k] /= divisor;
}

/** Signed readings of unsigned integers back to their values (nulls, NaN, stay). */
function asUnsigned(values: Float64Array, range: number): void {
  for (let k = 0; k < values.length; k++) if (values[k] < 0) values[k] += range;
}

function magic(b: Uint8Array, at: number): boolean {
  return b[at] === 0x50 && b[at + 1] === 0x41 && b[at + 2] === 0x52 && b[at + 3] === 0x31;
}

const UNIT_MICROS = { s: 1_000_000, ms: 1_000, us: 1 } as const;

/**
 * A decoded column as the engine reads it, converted in place: timestamps (and dates) to
 * µs always, plain numbers to µs by their magnitude when read as time — the same rules
 * as arrowColumnToFloat64 for the general reader.
 */
function toMicros(col: FastColumn, raw: Float64Array, asTime: boolean): Float64Array {
  const t = col.time;
  const n = raw.length;
  if (t === 'date') {
    for (let i = 0; i < n; i++) raw[i] *= 86_400_000_000;
  } else if (t !== null) {
    if (t.unit !== 'us') for (let i = 0, s = UNIT_MICROS[t.unit]; i < n; i++) raw[i] *= s;
  } else if (asTime) {
    for (let i = 0; i < n; i++) raw[i] = epochToMicros(raw[i]);
  }
  return raw;
}
