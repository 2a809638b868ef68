/**
 * A reader for the Thrift compact protocol, enough for Parquet's footer and page headers
 * (and the varints of its encodings):
 * structs come back as objects keyed by field id (`{ 1: 4, 3: [...] }`), lists as arrays,
 * binary as bytes. Every read is bounds-checked; malformed input throws `ThriftError`.
 */
export class ThriftError extends Error {}

export type ThriftValue = boolean | number | Uint8Array | ThriftValue[] | ThriftStruct;
export interface ThriftStruct { [field: number]: ThriftValue }

const enum T { TRUE = 1, FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6, DOUBLE = 7, BINARY = 8, LIST = 9, SET = 10, MAP = 11, STRUCT = 12 }

/** Deepest struct nesting accepted (Parquet needs 4–5; corrupted input must not recurse without bound). */
const MAX_DEPTH = 32;

export class ThriftReader {
  pos: number;
  constructor(private readonly buf: Uint8Array, start = 0, private readonly end = buf.length) {
    this.pos = start;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ThriftError('unexpected end of data');
    return this.buf[this.pos++];
  }

  /** Unsigned varint as a double (exact up to 2^53; Parquet offsets and counts fit). Also read by Parquet's encodings. */
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let k = 0; k < 10; k++) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
    throw new ThriftError('varint longer than 10 bytes');
  }

  /** Zigzag-encoded signed varint, exactly, as a BigInt (Parquet's delta encoding of nanosecond stamps, beyond 2^53). */
  zigzagBig(): bigint {
    let u = 0n;
    for (let k = 0n; k < 70n; k += 7n) {
      const b = this.byte();
      u |= BigInt(b & 0x7f) << k;
      if ((b & 0x80) === 0) return (u >> 1n) ^ -(u & 1n);
    }
    throw new ThriftError('varint longer than 10 bytes');
  }

  /** Zigzag-encoded signed varint. */
  zigzag(): number {
    const u = this.varint();
    // (u >>> 1) ^ -(u & 1) without 32-bit truncation.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  readStruct(depth = 0): ThriftStruct {
    if (depth > MAX_DEPTH) throw new ThriftError('Thrift structs nested too deep');
    const out: ThriftStruct = {};
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const delta = h >> 4;
      const type = h & 0x0f;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      out[id] = this.value(type, depth);
    }
  }

  private value(type: number, depth: number): ThriftValue {
    switch (type) {
      case T.TRUE: return true;
      case T.FALSE: return false;
      case T.BYTE: { const b = this.byte(); return b > 127 ? b - 256 : b; }
      case T.I16: case T.I32: case T.I64: return this.zigzag();
      case T.DOUBLE: {
        if (this.pos + 8 > this.end) throw new ThriftError('unexpected end of data');
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case T.BINARY: {
        const n = this.varint();
        if (this.pos + n > this.end) throw new ThriftError(`binary of ${n} bytes runs past the end`);
        const v = this.buf.subarray(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case T.LIST: case T.SET: {
        const h = this.byte();
        const n = (h >> 4) === 15 ? this.varint() : h >> 4;
        const et = h & 0x0f;
        // Every element takes at least one byte (booleans in lists do too).
        if (n > this.end - this.pos) throw new ThriftError(`list of ${n} elements runs past the end`);
        const out: ThriftValue[] = new Array(n);
        for (let k = 0; k < n; k++) out[k] = et === T.TRUE || et === T.FALSE ? this.byte() === 1 : this.value(et, depth + 1);
        return out;
      }
      case T.MAP: {
        const n = this.varint();
        if (n === 0) return [];
        const kv = this.byte();
        const out: ThriftValue[] = [];
        if (2 * n > this.end - this.pos) throw new ThriftError(`map of ${n} entries runs past the end`);
        for (let k = 0; k < n; k++) out.push([this.value(kv >> 4, depth + 1), this.value(kv & 0x0f, depth + 1)]);
        return out;
      }
      case T.STRUCT: return this.readStruct(depth + 1);
      default: throw new ThriftError(`unknown Thrift type ${type}`);
    }
  }
}
