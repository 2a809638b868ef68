/** Raised on malformed Snappy input. */
export class SnappyError extends Error {}

/** Uncompressed length announced by a raw Snappy block. */
export function snappyLength(src: Uint8Array): number {
  let v = 0;
  let mul = 1;
  for (let k = 0; k < 5 && k < src.length; k++) {
    v += (src[k] & 0x7f) * mul;
    if ((src[k] & 0x80) === 0) return v;
    mul *= 128;
  }
  throw new SnappyError('bad Snappy length header');
}

/**
 * Decompresses one raw Snappy block (the framing-less format Parquet uses) into `out`,
 * which must be exactly the announced length. Every literal and copy is bounds-checked.
 */
export function snappyDecompress(src: Uint8Array, out: Uint8Array): void {
  let s = 0;
  while (src[s] & 0x80) s++;
  s++;
  const n = src.length;
  const outLen = out.length;
  let d = 0;
  while (s < n) {
    const tag = src[s++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const bytes = len - 59;
        if (s + bytes > n) throw new SnappyError('literal length runs past the input');
        len = 0;
        for (let k = bytes - 1; k >= 0; k--) len = len * 256 + src[s + k];
        s += bytes;
      }
      len += 1;
      if (s + len > n || d + len > outLen) throw new SnappyError('literal runs past the input or output');
      if (len > 32) {
        out.set(src.subarray(s, s + len), d);
        s += len;
        d += len;
      } else {
        for (let k = 0; k < len; k++) out[d++] = src[s++];
      }
      continue;
    }
    let len: number;
    let off: number;
    if (kind === 1) {
      if (s >= n) throw new SnappyError('truncated copy');
      len = ((tag >>> 2) & 7) + 4;
      off = ((tag >>> 5) << 8) | src[s++];
    } else if (kind === 2) {
      if (s + 2 > n) throw new SnappyError('truncated copy');
      len = (tag >>> 2) + 1;
      off = src[s] | (src[s + 1] << 8);
      s += 2;
    } else {
      if (s + 4 > n) throw new SnappyError('truncated copy');
      len = (tag >>> 2) + 1;
      off = (src[s] | (src[s + 1] << 8) | (src[s + 2] << 16)) + src[s + 3] * 16777216;
      s += 4;
    }
    if (off === 0 || off > d || d + len > outLen) throw new SnappyError('copy refers outside the output');
    if (off >= len && len > 32) {
      out.copyWithin(d, d - off, d - off + len);
      d += len;
    } else {
      // Short or overlapping (a run): byte by byte.
      for (let k = 0; k < len; k++, d++) out[d] = out[d - off];
    }
  }
  if (d !== outLen) throw new SnappyError(`decompressed ${d} bytes, expected ${outLen}`);
}
