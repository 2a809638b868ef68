import { builtin } from '../core/builtin.ts';
import { lz4Block, lz4Hadoop } from './lz4.ts';
import { snappyDecompress, snappyLength } from './snappy.ts';
import { zstdDecompress } from './zstd.ts';

/**
 * The page compressions the JavaScript Parquet decoder reads, by Parquet's codec number:
 * uncompressed, Snappy, gzip and Brotli (zlib's, native: NautilusTrader's samples are Brotli),
 * LZ4 (Hadoop-framed, or one raw block), zstd (zstd.ts: polars' default) and LZ4_RAW — every
 * codec but LZO.
 */
export const CODECS = new Set([0, 1, 2, 4, 5, 6, 7]);

/**
 * A page's bytes decompressed to `rawSize`, the size its header gives. A claim larger than the
 * codec could expand the bytes to is corruption, refused before anything is allocated.
 */
export function inflatePage(codec: number, src: Uint8Array, rawSize: number): Uint8Array {
  if (codec === 0) {
    if (src.length !== rawSize) throw new Error('page sizes disagree');
    return src;
  }
  if (codec === 2 || codec === 4) return zlibPage(codec, src, rawSize);
  if (rawSize > maxExpansion(codec) * src.length + 1024) throw new Error('page claims more bytes than its compressed ones can hold');
  const out = new Uint8Array(rawSize);
  if (codec === 1) {
    if (snappyLength(src) !== rawSize) throw new Error('snappy length disagrees with the page header');
    snappyDecompress(src, out);
  } else if (codec === 6) {
    zstdDecompress(src, out);
  } else if (codec === 7) {
    lz4Block(src, 0, src.length, out, 0, rawSize);
  } else {
    lz4Hadoop(src, out);
  }
  return out;
}

/**
 * How many times its size a codec's input can expand: Snappy ~21× (a 64-byte copy per 3-byte
 * tag), zstd 32,768× (an RLE block: 4 bytes into 128 KB), LZ4 ~255× (each 255 length byte adds
 * 255). zlib's formats check their own output size.
 */
function maxExpansion(codec: number): number {
  return codec === 1 ? 32 : codec === 6 ? 32_768 : 256;
}

function zlibPage(codec: number, src: Uint8Array, rawSize: number): Uint8Array {
  const zlib = builtin('node:zlib');
  const limit = { maxOutputLength: Math.max(1, rawSize) };
  const out = codec === 2 ? zlib.gunzipSync(src, limit) : zlib.brotliDecompressSync(src, limit);
  if (out.length !== rawSize) throw new Error(`${codec === 2 ? 'gzip' : 'brotli'} length disagrees with the page header`);
  return out;
}
