/**
 * The entropy-coding pieces of Zstandard (RFC 8878) that zstd.ts decodes with: bit readers in
 * both directions, FSE tables (from a normalized distribution, an RLE symbol or a predefined
 * one) and the canonical Huffman table of the literals. Every read is bounds-checked: malformed
 * input raises ZstdError, never an out-of-range access or an endless loop.
 */

/** Raised on malformed Zstandard input. */
export class ZstdError extends Error {}

/** `n` (≤ 25) bits of `b` starting at bit `pos` (little-endian bit order; bits past the end read as 0). */
function bitsAt(b: Uint8Array, pos: number, n: number): number {
  const i = pos >>> 3;
  const word = (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
  return (word >>> (pos & 7)) & ((1 << n) - 1);
}

/** Reads a bit field forwards from a byte offset (FSE table descriptions). */
export class ForwardBits {
  private bit: number;

  constructor(private readonly b: Uint8Array, start: number, private readonly end: number) {
    this.bit = start * 8;
  }

  read(n: number): number {
    if (this.bit + n > this.end * 8) throw new ZstdError('table description runs past its block');
    const v = bitsAt(this.b, this.bit, n);
    this.bit += n;
    return v;
  }

  peek(n: number): number {
    return bitsAt(this.b, this.bit, n);
  }

  skip(n: number): void {
    if (this.bit + n > this.end * 8) throw new ZstdError('table description runs past its block');
    this.bit += n;
  }

  /** The byte after the last bit read. */
  get byteEnd(): number {
    return (this.bit + 7) >>> 3;
  }
}

/**
 * Reads a bitstream backwards, as Zstandard writes FSE and Huffman streams: from the bit below
 * the final byte's highest set bit (the end marker) towards the first byte. Reading past the
 * first bit gives zeros and counts as overflow (the FSE weight decoder's stop condition).
 */
export class BackwardBits {
  /** Bits not yet read, the next ones just below this position (read directly by the Huffman loop). */
  left: number;
  /** The stream's bytes and four zero bytes above them, so that a 32-bit window never reads past the end. */
  readonly b: Uint8Array;

  constructor(src: Uint8Array, start: number, end: number) {
    if (end <= start) throw new ZstdError('empty bitstream');
    const last = src[end - 1];
    if (last === 0) throw new ZstdError('bitstream without its end marker');
    this.b = new Uint8Array(end - start + 4);
    this.b.set(src.subarray(start, end));
    this.left = (end - start - 1) * 8 + (31 - Math.clz32(last));
  }

  /** `n` (≤ 31) bits; past the start they are zeros. */
  read(n: number): number {
    const p = this.left - n;
    this.left = p;
    if (p >= 0 && n <= 24) {
      const b = this.b;
      const at = p >>> 3;
      return ((b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> (p & 7)) & ((1 << n) - 1);
    }
    return this.bitsBelow(p, n);
  }

  /** The next `n` (≤ 31) bits without consuming them. */
  peek(n: number): number {
    return this.bitsBelow(this.left - n, n);
  }

  /** `n` bits from bit `pos`, which may lie below the stream's start (zeros there). */
  private bitsBelow(pos: number, n: number): number {
    if (n > 24) return this.bitsBelow(pos + 24, n - 24) * 2 ** 24 + this.bitsBelow(pos, 24);
    if (pos >= 0) return bitsAt(this.b, pos, n);
    const have = n + pos;
    return have <= 0 ? 0 : bitsAt(this.b, 0, have) * 2 ** -pos;
  }

  skip(n: number): void {
    this.left -= n;
  }

  /** True once more bits were read than the stream holds. */
  get overflowed(): boolean {
    return this.left < 0;
  }

  /** True when every bit was read, no more. */
  get finished(): boolean {
    return this.left === 0;
  }
}

/** An FSE decoding table: per state its symbol, the bits to read and the next state's base. */
export interface FseTable {
  readonly log: number;
  readonly symbol: Uint8Array;
  readonly bits: Uint8Array;
  readonly base: Uint16Array;
}

/** Reads a normalized distribution (RFC 8878 4.1.1) at `start`; the table and the byte after it. */
export function readFseTable(src: Uint8Array, start: number, end: number, maxSymbol: number, maxLog: number): { table: FseTable; end: number } {
  const r = new ForwardBits(src, start, end);
  const log = r.read(4) + 5;
  if (log > maxLog) throw new ZstdError(`FSE accuracy ${log} above ${maxLog}`);
  const norm: number[] = [];
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let nbBits = log + 1;
  while (remaining > 1) {
    if (norm.length > maxSymbol) throw new ZstdError('FSE distribution has too many symbols');
    const max = 2 * threshold - 1 - remaining;
    const low = r.peek(nbBits - 1);
    let count: number;
    if (low < max) {
      count = low;
      r.skip(nbBits - 1);
    } else {
      count = r.peek(nbBits);
      if (count >= threshold) count -= max;
      r.skip(nbBits);
    }
    count -= 1;
    remaining -= count < 0 ? -count : count;
    if (remaining < 1) throw new ZstdError('FSE distribution exceeds its table size');
    norm.push(count);
    if (count === 0) zeroRun(r, norm, maxSymbol);
    while (remaining < threshold) {
      nbBits--;
      threshold >>= 1;
    }
  }
  if (remaining !== 1) throw new ZstdError('FSE distribution does not sum to its table size');
  return { table: fseTable(norm, log), end: r.byteEnd };
}

/** After a zero probability: 2-bit repeat flags, each adding that many zeros (3: another flag follows). */
function zeroRun(r: ForwardBits, norm: number[], maxSymbol: number): void {
  for (;;) {
    const repeat = r.read(2);
    for (let k = 0; k < repeat; k++) norm.push(0);
    if (norm.length > maxSymbol + 1) throw new ZstdError('FSE distribution has too many symbols');
    if (repeat !== 3) return;
  }
}

/** The decoding table of a normalized distribution (−1: a "less than one" probability). */
export function fseTable(norm: readonly number[], log: number): FseTable {
  const size = 1 << log;
  const symbol = new Uint8Array(size);
  const bits = new Uint8Array(size);
  const base = new Uint16Array(size);
  const next = new Array<number>(norm.length);
  let high = size - 1;
  for (let s = 0; s < norm.length; s++) {
    if (norm[s] === -1) {
      symbol[high--] = s;
      next[s] = 1;
    } else next[s] = norm[s];
  }
  const step = (size >>> 1) + (size >>> 3) + 3;
  let pos = 0;
  for (let s = 0; s < norm.length; s++) {
    for (let k = 0; k < norm[s]; k++) {
      symbol[pos] = s;
      do pos = (pos + step) & (size - 1);
      while (pos > high);
    }
  }
  if (pos !== 0) throw new ZstdError('FSE distribution does not fill its table');
  for (let u = 0; u < size; u++) {
    const n = next[symbol[u]]++;
    const b = log - (31 - Math.clz32(n));
    bits[u] = b;
    base[u] = (n << b) - size;
  }
  return { log, symbol, bits, base };
}

/** A one-symbol table (RLE mode): every state gives `s` and reads nothing. */
export function rleTable(s: number): FseTable {
  return { log: 0, symbol: Uint8Array.of(s), bits: new Uint8Array(1), base: new Uint16Array(1) };
}

/** A canonical Huffman decoding table: indexed by the next `log` bits, each entry's symbol and code length. */
export interface HuffmanTable {
  readonly log: number;
  readonly symbol: Uint8Array;
  readonly bits: Uint8Array;
}

/** The Huffman table of a literals section's tree description at `start`; the table and the byte after it. */
export function readHuffmanTable(src: Uint8Array, start: number, end: number): { table: HuffmanTable; end: number } {
  if (start >= end) throw new ZstdError('Huffman tree description missing');
  const header = src[start];
  const weights: number[] = [];
  let after: number;
  if (header >= 128) {
    const count = header - 127;
    after = start + 1 + ((count + 1) >>> 1);
    if (after > end) throw new ZstdError('Huffman weights run past the block');
    for (let k = 0; k < count; k++) weights.push(k & 1 ? src[start + 1 + (k >>> 1)] & 15 : src[start + 1 + (k >>> 1)] >>> 4);
  } else {
    after = start + 1 + header;
    if (after > end) throw new ZstdError('Huffman weights run past the block');
    fseWeights(src, start + 1, after, weights);
  }
  return { table: huffmanTable(weights), end: after };
}

/** Huffman weights compressed with FSE: two interleaved states over one backward stream. */
function fseWeights(src: Uint8Array, start: number, end: number, out: number[]): void {
  const { table, end: streamStart } = readFseTable(src, start, end, 255, 6);
  const r = new BackwardBits(src, streamStart, end);
  const state = [r.read(table.log), r.read(table.log)];
  for (let k = 0; ; k ^= 1) {
    if (out.length > 254) throw new ZstdError('too many Huffman weights');
    const s = state[k];
    out.push(table.symbol[s]);
    state[k] = table.base[s] + r.read(table.bits[s]);
    if (r.overflowed) {
      out.push(table.symbol[state[k ^ 1]]);
      return;
    }
  }
}

/** Builds the table from the weights of every symbol but the last (whose weight completes a power of two). */
function huffmanTable(weights: number[]): HuffmanTable {
  let total = 0;
  for (const w of weights) {
    if (w > 11) throw new ZstdError('Huffman weight above 11');
    if (w > 0) total += 1 << (w - 1);
  }
  if (total === 0) throw new ZstdError('Huffman weights all zero');
  const log = 32 - Math.clz32(total);
  if (log > 11) throw new ZstdError('Huffman code longer than 11 bits');
  const rest = (1 << log) - total;
  if ((rest & (rest - 1)) !== 0) throw new ZstdError('Huffman weights do not complete a power of two');
  if (weights.length > 255) throw new ZstdError('more than 256 Huffman symbols');
  weights.push(32 - Math.clz32(rest));
  const size = 1 << log;
  const symbol = new Uint8Array(size);
  const bits = new Uint8Array(size);
  let at = 0;
  for (let w = 1; w <= log; w++) {
    for (let s = 0; s < weights.length; s++) {
      if (weights[s] !== w) continue;
      const len = 1 << (w - 1);
      symbol.fill(s, at, at + len);
      bits.fill(log + 1 - w, at, at + len);
      at += len;
    }
  }
  return { log, symbol, bits };
}
