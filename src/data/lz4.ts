/** Raised on malformed LZ4 input. */
export class Lz4Error extends Error {}

/**
 * Decompresses one LZ4 block (the frame-less format of Parquet's LZ4_RAW pages) into
 * `out[at, at + n)`, which it must fill exactly; returns the end. Every literal run and match is
 * bounds-checked.
 */
export function lz4Block(src: Uint8Array, s: number, end: number, out: Uint8Array, at: number, n: number): number {
  const stop = at + n;
  let d = at;
  while (s < end) {
    const token = src[s++];
    let lit = token >>> 4;
    if (lit === 15) [lit, s] = longLength(src, s, end, lit);
    if (s + lit > end || d + lit > stop) throw new Lz4Error('literals run past the input or the page');
    out.set(src.subarray(s, s + lit), d);
    s += lit;
    d += lit;
    if (s === end) break; // the last sequence holds literals only
    if (s + 2 > end) throw new Lz4Error('match offset runs past the input');
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    let len = token & 15;
    if (len === 15) [len, s] = longLength(src, s, end, len);
    len += 4;
    if (offset === 0 || offset > d - at || d + len > stop) throw new Lz4Error('match outside the content');
    for (let i = 0; i < len; i++) out[d + i] = out[d - offset + i];
    d += len;
  }
  if (d !== stop) throw new Lz4Error(`content is ${d - at} bytes, expected ${n}`);
  return d;
}

/** A length of 15 continued by bytes that each add up to 255 (255: another follows). */
function longLength(src: Uint8Array, s: number, end: number, len: number): [number, number] {
  for (;;) {
    if (s >= end) throw new Lz4Error('length runs past the input');
    const b = src[s++];
    len += b;
    if (b !== 255) return [len, s];
  }
}

/**
 * Parquet's deprecated LZ4 codec: Hadoop's framing (per block: its decompressed and compressed
 * sizes as big-endian 32-bit numbers, then a raw LZ4 block) — or, as some writers produced and
 * Arrow reads too, one raw block without framing.
 */
export function lz4Hadoop(src: Uint8Array, out: Uint8Array): void {
  if (!tryHadoop(src, out)) lz4Block(src, 0, src.length, out, 0, out.length);
}

function tryHadoop(src: Uint8Array, out: Uint8Array): boolean {
  const be32 = (i: number) => ((src[i] << 24) | (src[i + 1] << 16) | (src[i + 2] << 8) | src[i + 3]) >>> 0;
  let s = 0;
  let d = 0;
  while (s < src.length) {
    if (s + 8 > src.length) return false;
    const raw = be32(s);
    const size = be32(s + 4);
    s += 8;
    if (s + size > src.length || d + raw > out.length) return false;
    try {
      d = lz4Block(src, s, s + size, out, d, raw);
    } catch {
      return false;
    }
    s += size;
  }
  return d === out.length;
}
