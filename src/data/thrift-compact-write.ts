/**
 * A writer for the Thrift compact protocol, enough for Parquet's page headers and footer
 * (the mirror of thrift-compact.ts): fields in increasing id order inside `struct`, i32/i64
 * as zigzag varints (exact up to 2^53, which Parquet's offsets and counts stay under),
 * binary and strings length-prefixed, lists of i32, strings or structs.
 */
const enum T { TRUE = 1, FALSE = 2, I32 = 5, I64 = 6, BINARY = 8, LIST = 9, STRUCT = 12 }

export class ThriftWriter {
  private buf = new Uint8Array(256);
  private len = 0;
  private last: number[] = [0];

  /** The bytes written so far. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  byte(b: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }

  /** Unsigned varint of a non-negative safe integer. */
  varint(v: number): void {
    while (v >= 128) {
      this.byte((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.byte(v);
  }

  zigzag(v: number): void {
    this.varint(v >= 0 ? 2 * v : -2 * v - 1);
  }

  raw(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]);
  }

  private field(id: number, type: number): void {
    const top = this.last.length - 1;
    const delta = id - this.last[top];
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.last[top] = id;
  }

  i32(id: number, v: number): this {
    this.field(id, T.I32);
    this.zigzag(v);
    return this;
  }

  i64(id: number, v: number): this {
    this.field(id, T.I64);
    this.zigzag(v);
    return this;
  }

  bool(id: number, v: boolean): this {
    this.field(id, v ? T.TRUE : T.FALSE);
    return this;
  }

  string(id: number, s: string): this {
    this.field(id, T.BINARY);
    this.text(s);
    return this;
  }

  /** A nested struct: `body` writes its fields; the stop byte is added here. */
  struct(id: number, body: (w: this) => void): this {
    this.field(id, T.STRUCT);
    this.structBody(body);
    return this;
  }

  /** Fields of a struct (top-level messages, list elements), then the stop byte. */
  structBody(body: (w: this) => void): void {
    this.last.push(0);
    body(this);
    this.byte(0);
    this.last.pop();
  }

  listI32(id: number, values: readonly number[]): this {
    this.listHeader(id, T.I32, values.length);
    for (const v of values) this.zigzag(v);
    return this;
  }

  listString(id: number, values: readonly string[]): this {
    this.listHeader(id, T.BINARY, values.length);
    for (const v of values) this.text(v);
    return this;
  }

  listStruct<X>(id: number, items: readonly X[], body: (w: this, item: X) => void): this {
    this.listHeader(id, T.STRUCT, items.length);
    for (const item of items) this.structBody((w) => body(w, item));
    return this;
  }

  private listHeader(id: number, elem: number, n: number): void {
    this.field(id, T.LIST);
    if (n < 15) this.byte((n << 4) | elem);
    else {
      this.byte(0xf0 | elem);
      this.varint(n);
    }
  }

  private text(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    this.raw(b);
  }
}
