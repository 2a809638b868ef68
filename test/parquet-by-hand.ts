import { writeFileSync } from 'node:fs';
import { ThriftWriter } from '../src/data/thrift-compact-write.ts';

/**
 * Parquet files made byte by byte from the format's definition, for layouts no writer here
 * produces (INT96 stamps, dictionary-encoded fixed-length decimals): one row group,
 * uncompressed, REQUIRED columns, data pages v1, each column PLAIN or dictionary-encoded.
 */

/** Parquet's physical types (the format's `Type` enum). */
export const PhysicalType = { INT32: 1, INT64: 2, INT96: 3, DOUBLE: 5, FIXED_LEN_BYTE_ARRAY: 7 } as const;

export interface HandColumn {
  readonly name: string;
  readonly type: number;
  /** Each value's PLAIN bytes. */
  readonly values: readonly Uint8Array[];
  /** Dictionary-encoded: the dictionary holds the values in reverse, the indices point back. */
  readonly dictionary?: boolean;
  /** A FIXED_LEN_BYTE_ARRAY's bytes per value. */
  readonly typeLength?: number;
  /** Annotated DECIMAL(precision, scale) (converted type). */
  readonly decimal?: { readonly precision: number; readonly scale: number };
}

const PLAIN = 0;
const RLE = 3;
const RLE_DICTIONARY = 8;

const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

function pageHeader(kind: 'data' | 'dict', values: number, size: number, encoding: number): Uint8Array {
  const w = new ThriftWriter();
  w.structBody((h) => {
    h.i32(1, kind === 'data' ? 0 : 2).i32(2, size).i32(3, size);
    if (kind === 'data') h.struct(5, (d) => d.i32(1, values).i32(2, encoding).i32(3, RLE).i32(4, RLE));
    else h.struct(7, (d) => d.i32(1, values).i32(2, PLAIN));
  });
  return w.bytes().slice();
}

/** A column's pages and the size of its dictionary page (0 without one). */
function columnPages(c: HandColumn): { pages: Uint8Array; dictBytes: number; encodings: number[] } {
  const n = c.values.length;
  if (!c.dictionary) return { pages: concat([pageHeader('data', n, concat([...c.values]).length, PLAIN), concat([...c.values])]), dictBytes: 0, encodings: [PLAIN, RLE] };
  const dict = concat([...c.values].reverse());
  const width = Math.max(1, Math.ceil(Math.log2(n)));
  // One bit-packed run of ⌈n / 8⌉ groups of 8 indices, least significant bit first.
  const groups = Math.ceil(n / 8);
  const packed = new Uint8Array(groups * width);
  for (let k = 0; k < n; k++) {
    const v = n - 1 - k;
    for (let b = 0; b < width; b++) if ((v >> b) & 1) packed[(k * width + b) >> 3] |= 1 << ((k * width + b) & 7);
  }
  const data = concat([Uint8Array.of(width, (groups << 1) | 1), packed]);
  const dictPage = concat([pageHeader('dict', n, dict.length, PLAIN), dict]);
  return { pages: concat([dictPage, pageHeader('data', n, data.length, RLE_DICTIONARY), data]), dictBytes: dictPage.length, encodings: [PLAIN, RLE, RLE_DICTIONARY] };
}

/** Writes `columns` (all of one length) as a Parquet file at `file`. */
export function writeParquetByHand(file: string, columns: readonly HandColumn[]): string {
  const rows = columns[0].values.length;
  let at = 4;
  const chunks = columns.map((c) => {
    const { pages, dictBytes, encodings } = columnPages(c);
    const chunk = { c, pages, encodings, dictOffset: dictBytes > 0 ? at : -1, dataOffset: at + dictBytes };
    at += pages.length;
    return chunk;
  });
  const w = new ThriftWriter();
  w.structBody((f) => f.i32(1, 1)
    .listStruct(2, [null, ...columns], (s, c) => {
      if (c === null) return s.string(4, 'schema').i32(5, columns.length);
      s.i32(1, c.type);
      if (c.typeLength !== undefined) s.i32(2, c.typeLength);
      s.i32(3, 0).string(4, c.name);
      if (c.decimal) s.i32(6, 5).i32(7, c.decimal.scale).i32(8, c.decimal.precision);
    })
    .i64(3, rows)
    .listStruct(4, [chunks], (g, cs) => g
      .listStruct(1, cs, (cc, k) => cc.i64(2, k.dataOffset).struct(3, (m) => {
        m.i32(1, k.c.type).listI32(2, k.encodings).listString(3, [k.c.name]).i32(4, 0).i64(5, rows).i64(6, k.pages.length).i64(7, k.pages.length).i64(9, k.dataOffset);
        if (k.dictOffset >= 0) m.i64(11, k.dictOffset);
      }))
      .i64(2, at - 4).i64(3, rows))
    .string(6, 'lockstep test, made by hand'));
  const footer = w.bytes();
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, footer.length, true);
  writeFileSync(file, concat([Buffer.from('PAR1'), ...chunks.map((k) => k.pages), footer, len, Buffer.from('PAR1')]));
  return file;
}
