import { open, type FileHandle } from 'node:fs/promises';
import { DataError } from '../core/errors.ts';
import { allocBarBatch, type BarBatch } from './bar-batch.ts';
import { holdLatest } from '../core/hold-latest.ts';
import { fieldEnd, parseNumberField, parseTimeOfDay, parseTimestamp } from './text-parse.ts';
import { CsvRowsWasm, RowsStop } from './csv-rows-wasm.ts';

/** Each header column's use; csv-rows.wat reads the same numbers. */
const ROLE = { skip: 0, ts: 1, time: 2, open: 3, high: 4, low: 5, close: 6, volume: 7 } as const;
/** Lines in a row left to JavaScript after which the rest of the file is read in JavaScript alone. */
const SLOW_RUN_LIMIT = 64;

/** The role of every header column, in file order. */
function rolesOf(c: BarColumns): Uint8Array {
  const r = new Uint8Array(c.count);
  r[c.ts] = ROLE.ts;
  if (c.time >= 0) r[c.time] = ROLE.time;
  r[c.open] = ROLE.open;
  r[c.high] = ROLE.high;
  r[c.low] = ROLE.low;
  r[c.close] = ROLE.close;
  if (c.volume >= 0) r[c.volume] = ROLE.volume;
  return r;
}

/** Column positions found in a bar CSV header. */
export interface BarColumns {
  /** Timestamp, date-time or date column. */
  ts: number;
  /** Separate time-of-day column (when the date is in its own column), else −1. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** −1 when the file has no volume (volume reads as 0). */
  volume: number;
  /** Number of header fields. */
  count: number;
}

const TS_NAMES = ['timestamp', 'datetime', 'date_time', 'ts', 'time', 'open_time', 'ts_event', 'date'];

/** Maps a header line to column positions, case-insensitively; extra columns are ignored. */
export function barColumnsFromHeader(names: readonly string[], file: string): BarColumns {
  const lower = names.map((n) => n.trim().replace(/^"|"$/g, '').toLowerCase());
  const find = (...cands: string[]): number => {
    for (const c of cands) {
      const i = lower.indexOf(c);
      if (i >= 0) return i;
    }
    return -1;
  };
  const date = lower.indexOf('date');
  const time = lower.indexOf('time');
  let ts: number;
  let tod = -1;
  if (date >= 0 && time >= 0) {
    ts = date;
    tod = time;
  } else {
    ts = find(...TS_NAMES);
  }
  const cols: BarColumns = {
    ts, time: tod, open: find('open', 'o'), high: find('high', 'h'), low: find('low', 'l'), close: find('close', 'c'),
    volume: find('volume', 'vol', 'v'), count: names.length,
  };
  const missing = (['ts', 'open', 'high', 'low', 'close'] as const).filter((k) => cols[k] < 0);
  if (missing.length > 0) {
    const want = missing.map((k) => (k === 'ts' ? 'timestamp (or date, or date + time)' : k)).join(', ');
    throw new DataError({ file, row: 1 }, `header has no ${want} column (found: ${names.join(', ')})`,
      'Add a header row naming the columns, e.g. "timestamp,open,high,low,close,volume"');
  }
  return cols;
}

export interface CsvReadOptions {
  /** Rows per batch (default 65,536). */
  batchSize?: number;
  /** Bytes read per I/O call (default 256 KiB; a longer line grows the buffer). */
  chunkBytes?: number;
  /** Batches handed back by the consumer (see `BatchRecycler`): refilled instead of allocating new ones. */
  recycler?: BatchRecycler;
  /**
   * Common rows parsed in WebAssembly (csv-rows-wasm.ts), the rest in JavaScript (default
   * true); false reads every row in JavaScript, the reference the WebAssembly path is tested against.
   */
  wasmRows?: boolean;
}

/**
 * Batches a reader lent out and its consumer gave back once it keeps no reference to them or
 * their columns: the reader refills them for later rows. A long file then touches the memory
 * of one batch instead of a new 3.7 MB batch per 65,536 rows — on this project's machines
 * fresh memory costs more than parsing into it. Only batches this recycler lent are taken
 * back, each once; a consumer that keeps its batches simply never gives them back.
 */
export class BatchRecycler {
  /** Lent and not given back (weak: a consumer that drops a batch lets it go). */
  private readonly lent = new WeakSet<BarBatch>();
  private readonly spare: BarBatch[] = [];

  /** A batch to fill: a given-back one when there is one, else a new one of `capacity` rows. */
  take(capacity: number): BarBatch {
    let b = this.spare.pop();
    if (b === undefined || b.ts.length < capacity) b = allocBarBatch(capacity);
    b.length = 0;
    return b;
  }

  /** `b` goes to the consumer. */
  lend(b: BarBatch): void {
    this.lent.add(b);
  }

  /** The consumer is done with `b`: refilled later when this recycler lent it (else ignored). */
  giveBack(b: BarBatch): void {
    if (this.lent.delete(b)) this.spare.push(b);
  }
}

/**
 * Streams a header-driven OHLCV CSV as batches. Parsing works on raw bytes; values that
 * cannot be parsed become NaN and are reported by validation with their row and field.
 * Rows with the wrong number of fields throw a DataError at once.
 */
export async function* readCsvBars(file: string, opts: CsvReadOptions = {}): AsyncGenerator<BarBatch> {
  // 256 KiB: the kernel's copy and the parser's pass share a buffer that stays in the core's
  // cache, and a run's new pages are 64 instead of 1,024 (the reader alone, 200k rows: 39–40 ms
  // a file against 54–80 ms with 4 MiB; a whole `lockstep backtest` ~700 fewer page faults).
  const chunkBytes = opts.chunkBytes ?? 256 << 10;
  // The input buffer: room for a chunk after the previous chunk's unfinished line (and a final newline).
  const wasm = opts.wasmRows === false ? null : new CsvRowsWasm(2 * chunkBytes);
  const parser = new CsvBarParser(file, opts.batchSize ?? 65_536, opts.recycler ?? new BatchRecycler(), wasm);
  holdLatest('csv-bar-parser', parser); // the next file's parser reuses this one's compiled row loop (see hold-latest)
  const fh = await open(file, 'r');
  const reader = new PrefetchingReader(fh, chunkBytes);
  try {
    // A line longer than a chunk grows the buffer: then out of WebAssembly memory, read in JavaScript.
    let buf: Buffer<ArrayBuffer> = wasm?.input ?? Buffer.allocUnsafe(2 * chunkBytes);
    let carry = 0; // bytes at the start of buf left from the previous chunk
    for (;;) {
      const chunk = await reader.next();
      const eof = chunk.length === 0;
      if (carry + chunk.length + 1 > buf.length) buf = grown(buf, Math.max(2 * buf.length, carry + chunk.length + 1), carry);
      chunk.copy(buf, carry);
      let end = carry + chunk.length;
      if (eof && end > 0 && buf[end - 1] !== 10) buf[end++] = 10; // terminate a last line that has no newline
      let pos = 0;
      for (;;) {
        pos = parser.parse(buf, pos, end);
        if (!parser.full) break;
        yield parser.take();
      }
      carry = end - pos;
      if (eof) break;
      if (carry > 0) buf.copy(buf, 0, pos, end);
    }
    if (!parser.sawHeader) {
      throw new DataError({ file, row: 1 }, 'file is empty', 'Give a CSV with a header row and at least one data row');
    }
    if (parser.rowsPending > 0) yield parser.take();
  } finally {
    await reader.settle();
    await fh.close();
  }
}

/**
 * A file's chunks in order, the next one read while the caller works on the current one: an
 * awaited read waits for a thread-pool thread (0.2–0.6 ms each on this project's VMs; 8–23 ms
 * of a 200k-row file's ~90 ms load + run when reads and parsing took turns).
 */
class PrefetchingReader {
  private spare: Buffer;
  private reading: Promise<{ bytesRead: number; buffer: Buffer }> | null;

  constructor(private readonly fh: FileHandle, private readonly size: number) {
    this.spare = Buffer.allocUnsafe(size);
    this.reading = fh.read(Buffer.allocUnsafe(size), 0, size, null);
  }

  /** The next chunk, empty at the end of the file; valid until the next call (its buffer takes the read after it). */
  async next(): Promise<Buffer> {
    if (this.reading === null) return this.spare.subarray(0, 0);
    const { bytesRead, buffer } = await this.reading;
    if (bytesRead === 0) {
      this.reading = null;
      return buffer.subarray(0, 0);
    }
    this.reading = this.fh.read(this.spare, 0, this.size, null);
    this.spare = buffer;
    return buffer.subarray(0, bytesRead);
  }

  /** Waits for a read still under way, so the file closes with none in flight. */
  async settle(): Promise<void> {
    const r = this.reading;
    this.reading = null;
    await r?.catch(() => undefined);
  }
}

function grown(buf: Buffer, size: number, used: number): Buffer<ArrayBuffer> {
  const bigger = Buffer.allocUnsafe(size);
  buf.copy(bigger, 0, 0, used);
  return bigger;
}

/**
 * The row loop of `readCsvBars`, outside the async generator so the engine compiles it as
 * one hot function: parses whole lines of `buf[pos, end)` into the current batch until the
 * batch is full or no complete line is left.
 */
class CsvBarParser {
  /** The batch being filled (taken from the recycler when the previous one was lent out). */
  private current: BarBatch | null = null;
  private roles: Uint8Array = new Uint8Array(0);
  private cols: BarColumns | null = null;
  private line = 0;
  /** Lines in a row the WebAssembly parser left to JavaScript. */
  private slowRun = 0;

  constructor(
    private readonly file: string, private readonly batchSize: number, private readonly recycler: BatchRecycler,
    /** Parses the common rows while the text is in its input buffer (null: JavaScript reads every row). */
    private wasm: CsvRowsWasm | null,
  ) {}

  get batch(): BarBatch {
    return (this.current ??= this.recycler.take(this.batchSize));
  }

  get sawHeader(): boolean {
    return this.cols !== null;
  }

  /** Rows parsed into the batch not yet lent out. */
  get rowsPending(): number {
    return this.current?.length ?? 0;
  }

  get full(): boolean {
    return this.rowsPending === this.batchSize;
  }

  /** The batch filled so far, lent to the consumer; the next rows go into another (or it, given back). */
  take(): BarBatch {
    const b = this.batch;
    this.current = null;
    this.recycler.lend(b);
    return b;
  }

  /** Parses complete lines from `pos`; returns where the first unparsed line starts. */
  parse(buf: Buffer, pos: number, end: number): number {
    const b = this.batch;
    while (b.length < this.batchSize) {
      const wasm = this.wasm;
      if (wasm !== null && this.cols !== null && buf === wasm.input) {
        const before = b.length;
        const stop = wasm.parse(pos, end, this.line, b, this.batchSize);
        pos = wasm.pos;
        this.line = wasm.line;
        if (stop !== RowsStop.slowLine) break; // no whole line left, or the batch is full
        // A file whose rows all take a form left to JavaScript (quoted fields, say) is read in JavaScript alone.
        this.slowRun = b.length === before ? this.slowRun + 1 : 1;
        if (this.slowRun === SLOW_RUN_LIMIT) this.wasm = null;
      }
      const nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= end) break;
      this.line++;
      let e = nl;
      if (e > pos && buf[e - 1] === 13) e--;
      if (e > pos) {
        if (this.cols === null) this.header(buf, pos, e);
        else this.row(buf, pos, e);
      }
      pos = nl + 1;
    }
    return pos;
  }

  private header(buf: Buffer, pos: number, e: number): void {
    const names = buf.toString('latin1', pos, e).split(',');
    if (names.length > 0) names[0] = names[0].replace(/^\uFEFF|^ï»¿/, '');
    this.cols = barColumnsFromHeader(names, this.file);
    this.roles = rolesOf(this.cols);
    if (this.wasm !== null && !this.wasm.setRoles(this.roles)) this.wasm = null;
  }

  /** One pass over the fields: needed ones are parsed in place, others skipped. */
  private row(buf: Buffer, pos: number, e: number): void {
    const roles = this.roles;
    let p = pos;
    let ts = Number.NaN;
    let tod = 0;
    let vol = 0;
    let o = Number.NaN, h = Number.NaN, l = Number.NaN, c = Number.NaN;
    let k = 0;
    for (; k < roles.length; k++) {
      if (k > 0) {
        if (p >= e) break; // too few fields
        p++; // skip the comma
      }
      const role = roles[k];
      if (role === ROLE.skip || role === ROLE.ts || role === ROLE.time) {
        let q = p;
        while (q < e && buf[q] !== 44) q++;
        if (role === ROLE.ts) ts = parseTimestamp(buf, p, q);
        else if (role === ROLE.time) tod = parseTimeOfDay(buf, p, q);
        p = q;
        continue;
      }
      const v = parseNumberField(buf, p, e);
      p = fieldEnd;
      if (role === ROLE.open) o = v;
      else if (role === ROLE.high) h = v;
      else if (role === ROLE.low) l = v;
      else if (role === ROLE.close) c = v;
      else vol = v;
    }
    if (k !== roles.length || p !== e) this.wrongFieldCount(buf, pos, e);
    const b = this.batch;
    const n = b.length;
    b.ts[n] = ts + tod;
    b.open[n] = o;
    b.high[n] = h;
    b.low[n] = l;
    b.close[n] = c;
    b.volume[n] = vol;
    b.row![n] = this.line;
    b.length = n + 1;
  }

  private wrongFieldCount(buf: Buffer, pos: number, e: number): never {
    let nf = 1;
    for (let q = pos; q < e; q++) if (buf[q] === 44) nf++;
    throw new DataError({ file: this.file, row: this.line }, `expected ${this.cols!.count} fields like the header, found ${nf}`,
      'Fix the row (a stray comma or a missing value?) or remove it');
  }
}
