/**
 * The key-value metadata of an Arrow schema as Parquet writers built on Arrow keep it: the
 * footer's `ARROW:schema` entry, base64 of an IPC Schema message (an optional 0xFFFFFFFF
 * continuation, a little-endian int32 length, then the Message flatbuffer). arrow-rs (and so
 * NautilusTrader's catalog) writes a schema's metadata only there. Read here from the
 * flatbuffer directly, synchronously and without loading apache-arrow: Message.header (a
 * Schema) → Schema.custom_metadata → KeyValue { key, value }.
 */

/** Flatbuffer field slots (Message.fbs, Schema.fbs): a union takes two, its type and its value. */
const MESSAGE_HEADER_TYPE = 1;
const MESSAGE_HEADER = 2;
const HEADER_SCHEMA = 1;
const SCHEMA_CUSTOM_METADATA = 2;
const KEY_VALUE_KEY = 0;
const KEY_VALUE_VALUE = 1;

class FlatBuffer {
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The root table's position. */
  root(): number {
    return this.u32(0);
  }

  /** The position of field `slot` of the table at `table`, or −1 when the field is absent. */
  field(table: number, slot: number): number {
    const vtable = table - this.view.getInt32(this.checked(table, 4), true);
    const size = this.view.getUint16(this.checked(vtable, 4), true);
    const at = 4 + 2 * slot;
    if (at + 2 > size) return -1;
    const offset = this.view.getUint16(this.checked(vtable + at, 2), true);
    return offset === 0 ? -1 : table + offset;
  }

  /** The table, vector or string an offset field at `pos` points to. */
  target(pos: number): number {
    return pos + this.u32(pos);
  }

  /** The positions of the tables of the vector at `pos`. */
  tables(pos: number): number[] {
    const n = this.u32(pos);
    return Array.from({ length: n }, (_, k) => this.target(pos + 4 + 4 * k));
  }

  string(pos: number): string {
    const n = this.u32(pos);
    return Buffer.from(this.bytes.subarray(this.checked(pos + 4, n), pos + 4 + n)).toString('utf8');
  }

  byte(pos: number): number {
    return this.bytes[this.checked(pos, 1)];
  }

  private u32(pos: number): number {
    return this.view.getUint32(this.checked(pos, 4), true);
  }

  private checked(pos: number, len: number): number {
    if (!(pos >= 0 && pos + len <= this.bytes.length)) throw new Error('flatbuffer offset out of range');
    return pos;
  }
}

/**
 * The custom metadata of the Arrow schema in `base64` (an `ARROW:schema` value). Throws a plain
 * Error when it is not an IPC Schema message; a schema without metadata gives an empty map.
 */
export function arrowSchemaMetadata(base64: string): Map<string, string> {
  let bytes: Uint8Array = Buffer.from(base64, 'base64');
  let at = 0;
  const word = (p: number) => (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0;
  if (bytes.length >= 8 && word(0) === 0xffffffff) at = 4;
  const len = bytes.length >= at + 4 ? word(at) : 0;
  if (len === 0 || at + 4 + len > bytes.length) throw new Error('not an Arrow IPC schema message');
  bytes = bytes.subarray(at + 4, at + 4 + len);
  const fb = new FlatBuffer(bytes);
  const message = fb.root();
  const type = fb.field(message, MESSAGE_HEADER_TYPE);
  const header = fb.field(message, MESSAGE_HEADER);
  if (type < 0 || fb.byte(type) !== HEADER_SCHEMA || header < 0) throw new Error('the IPC message holds no schema');
  const schema = fb.target(header);
  const out = new Map<string, string>();
  const list = fb.field(schema, SCHEMA_CUSTOM_METADATA);
  if (list < 0) return out;
  for (const kv of fb.tables(fb.target(list))) {
    const key = fb.field(kv, KEY_VALUE_KEY);
    const value = fb.field(kv, KEY_VALUE_VALUE);
    if (key >= 0) out.set(fb.string(fb.target(key)), value >= 0 ? fb.string(fb.target(value)) : '');
  }
  return out;
}
