import {
  BackwardBits, fseTable, readFseTable, readHuffmanTable, rleTable, ZstdError, type FseTable, type HuffmanTable,
} from './zstd-fse.ts';

export { ZstdError };

/**
 * Zstandard decompression (RFC 8878) for Parquet pages: frames of raw, RLE and compressed
 * blocks — Huffman-coded literals (one or four streams, tree or treeless), FSE-coded sequences
 * (predefined, RLE, described or repeated tables), repeat offsets. No dictionaries (Parquet
 * writes none); the content checksum is skipped, as the page's own sizes are checked. Written
 * from the RFC so that zstd pages (polars' default, and many other writers') decode in
 * JavaScript rather than through parquet-wasm, whose growing WebAssembly memory detaches
 * buffers in the engine's thread.
 */

const FRAME_MAGIC = 0xfd2fb528;

/** Literal-length codes: baseline and extra bits (RFC 8878 3.1.1.3.2.1.1). */
const LL_BASE = [...Array.from({ length: 16 }, (_, i) => i), 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
const LL_BITS = [...new Array<number>(16).fill(0), 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
/** Match-length codes. */
const ML_BASE = [...Array.from({ length: 32 }, (_, i) => i + 3), 35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539];
const ML_BITS = [...new Array<number>(32).fill(0), 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

/** The predefined distributions (RFC 8878 3.1.1.3.2.2). */
export const LL_DEFAULT = [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1];
export const ML_DEFAULT = [1, 4, 3, 2, 2, 2, 2, 2, 2, ...new Array<number>(37).fill(1), -1, -1, -1, -1, -1, -1, -1];
export const OF_DEFAULT = [1, 1, 1, 1, 1, 1, 2, 2, 2, ...new Array<number>(15).fill(1), -1, -1, -1, -1, -1];
const LL_TABLE = fseTable(LL_DEFAULT, 6);
const ML_TABLE = fseTable(ML_DEFAULT, 6);
const OF_TABLE = fseTable(OF_DEFAULT, 5);

/** What the blocks of one frame share: repeat offsets and the tables a later block may repeat. */
interface FrameState {
  readonly start: number;
  readonly reps: [number, number, number];
  huffman: HuffmanTable | null;
  ll: FseTable | null;
  of: FseTable | null;
  ml: FseTable | null;
}

const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/**
 * Decompresses Zstandard frames (skippable frames skipped) into `out`, which must be exactly
 * their content's size. Malformed input raises ZstdError.
 */
export function zstdDecompress(src: Uint8Array, out: Uint8Array): void {
  let s = 0;
  let d = 0;
  while (s < src.length) {
    if (s + 4 > src.length) throw new ZstdError('truncated frame magic');
    const magic = u32(src, s);
    if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
      if (s + 8 > src.length) throw new ZstdError('truncated skippable frame');
      s += 8 + u32(src, s + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new ZstdError('not a Zstandard frame');
    [s, d] = frame(src, s + 4, out, d);
  }
  if (s !== src.length) throw new ZstdError('skippable frame runs past the input');
  if (d !== out.length) throw new ZstdError(`content is ${d} bytes, expected ${out.length}`);
}

/** One frame from its header (after the magic); the input and output positions after it. */
function frame(src: Uint8Array, s: number, out: Uint8Array, d: number): [number, number] {
  if (s >= src.length) throw new ZstdError('truncated frame header');
  const fhd = src[s++];
  if (fhd & 8) throw new ZstdError('reserved bit set in the frame header');
  const single = (fhd >>> 5) & 1;
  if (!single) s++; // window descriptor: the whole page is the window here
  const dictBytes = [0, 1, 2, 4][fhd & 3];
  for (let k = 0; k < dictBytes; k++) if (src[s + k] !== 0) throw new ZstdError('a dictionary is needed (Parquet writes none)');
  s += dictBytes;
  const fcsBytes = [single, 2, 4, 8][fhd >>> 6];
  let size = 0;
  for (let k = fcsBytes - 1; k >= 0; k--) size = size * 256 + (src[s + k] ?? 0);
  if (fcsBytes === 2) size += 256;
  s += fcsBytes;
  if (s > src.length) throw new ZstdError('truncated frame header');
  const st: FrameState = { start: d, reps: [1, 4, 8], huffman: null, ll: null, of: null, ml: null };
  for (let last = 0; !last;) {
    if (s + 3 > src.length) throw new ZstdError('truncated block header');
    const h = src[s] | (src[s + 1] << 8) | (src[s + 2] << 16);
    s += 3;
    last = h & 1;
    const n = h >>> 3;
    const type = (h >>> 1) & 3;
    const end = type === 1 ? s + 1 : s + n;
    if (end > src.length) throw new ZstdError('block runs past the input');
    if (type === 0) d = copyInto(out, d, src, s, n);
    else if (type === 1) d = fillInto(out, d, src[s], n);
    else if (type === 2) d = compressedBlock(src, s, end, out, d, st);
    else throw new ZstdError('reserved block type');
    s = end;
  }
  if (fcsBytes > 0 && d - st.start !== size) throw new ZstdError('frame content size disagrees with its blocks');
  if (fhd & 4) s += 4; // content checksum
  if (s > src.length) throw new ZstdError('truncated content checksum');
  return [s, d];
}

function copyInto(out: Uint8Array, d: number, src: Uint8Array, s: number, n: number): number {
  if (d + n > out.length) throw new ZstdError('content longer than the page');
  out.set(src.subarray(s, s + n), d);
  return d + n;
}

function fillInto(out: Uint8Array, d: number, byte: number, n: number): number {
  if (d + n > out.length) throw new ZstdError('content longer than the page');
  out.fill(byte, d, d + n);
  return d + n;
}

function compressedBlock(src: Uint8Array, s: number, end: number, out: Uint8Array, d: number, st: FrameState): number {
  const { lits, next } = literals(src, s, end, st);
  return sequences(src, next, end, out, d, lits, st);
}

/** The literals section: the block's literal bytes and where the sequences section starts. */
function literals(src: Uint8Array, s: number, end: number, st: FrameState): { lits: Uint8Array; next: number } {
  if (s >= end) throw new ZstdError('empty compressed block');
  const b0 = src[s];
  const type = b0 & 3;
  const sf = (b0 >>> 2) & 3;
  if (type < 2) {
    const [n, hdr] = (sf & 1) === 0 ? [b0 >>> 3, 1] : sf === 1 ? [(b0 >>> 4) + (src[s + 1] << 4), 2] : [(b0 >>> 4) + (src[s + 1] << 4) + (src[s + 2] << 12), 3];
    s += hdr;
    if (type === 0) {
      if (s + n > end) throw new ZstdError('raw literals run past the block');
      return { lits: src.subarray(s, s + n), next: s + n };
    }
    if (s >= end) throw new ZstdError('RLE literals run past the block');
    return { lits: new Uint8Array(n).fill(src[s]), next: s + 1 };
  }
  let regen: number;
  let size: number;
  let hdr: number;
  if (sf < 2) {
    const h = b0 | (src[s + 1] << 8) | (src[s + 2] << 16);
    [regen, size, hdr] = [(h >>> 4) & 0x3ff, (h >>> 14) & 0x3ff, 3];
  } else if (sf === 2) {
    const h = u32(src, s);
    [regen, size, hdr] = [(h >>> 4) & 0x3fff, h >>> 18, 4];
  } else {
    const h = u32(src, s);
    [regen, size, hdr] = [(h >>> 4) & 0x3ffff, (h >>> 22) + (src[s + 4] << 10), 5];
  }
  s += hdr;
  if (s + size > end) throw new ZstdError('compressed literals run past the block');
  let table = st.huffman;
  let streams = s;
  if (type === 2) {
    const t = readHuffmanTable(src, s, s + size);
    table = st.huffman = t.table;
    streams = t.end;
  } else if (table === null) throw new ZstdError('treeless literals without an earlier Huffman table');
  const lits = new Uint8Array(regen);
  if (sf === 0) huffmanStream(src, streams, s + size, table, lits, 0, regen);
  else fourStreams(src, streams, s + size, table, lits);
  return { lits, next: s + size };
}

/** Four Huffman streams after a jump table of the first three's sizes; each fills a quarter. */
function fourStreams(src: Uint8Array, start: number, end: number, t: HuffmanTable, out: Uint8Array): void {
  if (start + 6 > end) throw new ZstdError('literals jump table runs past the block');
  const sizes = [src[start] | (src[start + 1] << 8), src[start + 2] | (src[start + 3] << 8), src[start + 4] | (src[start + 5] << 8)];
  sizes.push(end - start - 6 - sizes[0] - sizes[1] - sizes[2]);
  const quarter = (out.length + 3) >>> 2;
  if (sizes[3] < 0 || 3 * quarter > out.length) throw new ZstdError('literals streams disagree with their sizes');
  let at = start + 6;
  for (let k = 0; k < 4; k++) {
    huffmanStream(src, at, at + sizes[k], t, out, k * quarter, k === 3 ? out.length : (k + 1) * quarter);
    at += sizes[k];
  }
}

/**
 * One Huffman stream into out[from, to). The loop reads the next `log` (≤ 11) bits from three
 * bytes itself while they lie inside the stream (a method call per literal took most of the
 * decode), and through the reader near the start, where the bits below it read as zeros.
 */
function huffmanStream(src: Uint8Array, start: number, end: number, t: HuffmanTable, out: Uint8Array, from: number, to: number): void {
  const r = new BackwardBits(src, start, end);
  const { log, symbol, bits } = t;
  const b = r.b;
  const mask = (1 << log) - 1;
  let left = r.left;
  let i = from;
  for (; i < to; i++) {
    const p = left - log;
    if (p < 0) break; // the reader pads the stream with zero bytes above: no read past its end
    const at = p >>> 3;
    const v = ((b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) >>> (p & 7)) & mask;
    out[i] = symbol[v];
    left -= bits[v];
  }
  r.left = left;
  for (; i < to; i++) {
    const v = r.peek(log);
    out[i] = symbol[v];
    r.skip(bits[v]);
  }
  if (!r.finished) throw new ZstdError('Huffman stream length disagrees with its literals');
}

/** The sequences section: literals and matches into `out` from `d`; returns the position after them. */
function sequences(src: Uint8Array, s: number, end: number, out: Uint8Array, d: number, lits: Uint8Array, st: FrameState): number {
  if (s >= end) throw new ZstdError('sequences section missing');
  let n = src[s++];
  if (n === 0) return copyInto(out, d, lits, 0, lits.length);
  if (n >= 128) {
    if (n < 255) n = ((n - 128) << 8) + src[s++];
    else {
      n = src[s] + (src[s + 1] << 8) + 0x7f00;
      s += 2;
    }
  }
  if (s >= end) throw new ZstdError('sequences section truncated');
  const modes = src[s++];
  if (modes & 3) throw new ZstdError('reserved bits set in the sequence modes');
  let t = table(src, s, end, modes >>> 6, st.ll, LL_TABLE, 35, 9);
  const ll = (st.ll = t.table);
  t = table(src, t.end, end, (modes >>> 4) & 3, st.of, OF_TABLE, 31, 8);
  const of = (st.of = t.table);
  t = table(src, t.end, end, (modes >>> 2) & 3, st.ml, ML_TABLE, 52, 9);
  const ml = (st.ml = t.table);
  return runSequences(new BackwardBits(src, t.end, end), n, ll, of, ml, out, d, lits, st);
}

/** One sequence table by its mode: predefined, RLE, described here, or the previous block's. */
function table(src: Uint8Array, s: number, end: number, mode: number, prev: FseTable | null, predefined: FseTable, maxSymbol: number, maxLog: number): { table: FseTable; end: number } {
  if (mode === 0) return { table: predefined, end: s };
  if (mode === 1) {
    if (s >= end || src[s] > maxSymbol) throw new ZstdError('bad RLE sequence symbol');
    return { table: rleTable(src[s]), end: s + 1 };
  }
  if (mode === 2) return readFseTable(src, s, end, maxSymbol, maxLog);
  if (prev === null) throw new ZstdError('repeated sequence table without an earlier one');
  return { table: prev, end: s };
}

function runSequences(r: BackwardBits, n: number, ll: FseTable, of: FseTable, ml: FseTable, out: Uint8Array, d: number, lits: Uint8Array, st: FrameState): number {
  let llState = r.read(ll.log);
  let ofState = r.read(of.log);
  let mlState = r.read(ml.log);
  const reps = st.reps;
  let litAt = 0;
  for (let k = 0; k < n; k++) {
    const ofCode = of.symbol[ofState];
    const mlCode = ml.symbol[mlState];
    const llCode = ll.symbol[llState];
    if (ofCode > 31 || mlCode > 52 || llCode > 35) throw new ZstdError('sequence code out of range');
    const ofValue = (ofCode < 31 ? 1 << ofCode : 2 ** 31) + r.read(ofCode); // a shift: ** is a Math.pow call
    const matchLen = ML_BASE[mlCode] + r.read(ML_BITS[mlCode]);
    const litLen = LL_BASE[llCode] + r.read(LL_BITS[llCode]);
    const offset = nextOffset(reps, ofValue, litLen);
    if (k + 1 < n) {
      llState = ll.base[llState] + r.read(ll.bits[llState]);
      mlState = ml.base[mlState] + r.read(ml.bits[mlState]);
      ofState = of.base[ofState] + r.read(of.bits[ofState]);
    }
    if (litAt + litLen > lits.length || d + litLen + matchLen > out.length) throw new ZstdError('sequence runs past its literals or the page');
    if (litLen > 32) out.set(lits.subarray(litAt, litAt + litLen), d);
    else for (let i = 0; i < litLen; i++) out[d + i] = lits[litAt + i];
    d += litLen;
    litAt += litLen;
    if (offset < 1 || offset > d - st.start) throw new ZstdError('match outside the content');
    if (offset >= matchLen && matchLen > 32) out.copyWithin(d, d - offset, d - offset + matchLen);
    else for (let i = 0; i < matchLen; i++) out[d + i] = out[d - offset + i];
    d += matchLen;
  }
  if (!r.finished) throw new ZstdError('sequence stream length disagrees with its sequences');
  return copyInto(out, d, lits, litAt, lits.length - litAt);
}

/** The match offset of an offset value, updating the three repeat offsets (RFC 8878 3.1.1.5). */
function nextOffset(reps: [number, number, number], ofValue: number, litLen: number): number {
  if (ofValue > 3) {
    reps[2] = reps[1];
    reps[1] = reps[0];
    return (reps[0] = ofValue - 3);
  }
  const idx = ofValue - 1 + (litLen === 0 ? 1 : 0);
  if (idx === 0) return reps[0];
  const offset = idx === 3 ? reps[0] - 1 : reps[idx];
  if (idx !== 1) reps[2] = reps[1];
  reps[1] = reps[0];
  return (reps[0] = offset);
}
