import type { BarBatch } from './bar-batch.ts';
import { CSV_ROWS_WASM } from './csv-rows-binary.ts';

/** Where `CsvRowsWasm.parse` stopped. */
export const RowsStop = {
  /** No complete line is left before `end`. */
  noLine: 0,
  /** The rows asked for are parsed. */
  full: 1,
  /** The line at `pos` is JavaScript's to read (a form the WebAssembly parser leaves to it, or an error). */
  slowLine: 2,
} as const;
export type RowsStop = (typeof RowsStop)[keyof typeof RowsStop];

/** Rows parsed per call: seven columns of them in WebAssembly memory, then copied into the batch. */
const CAP = 2_048;
const ROLES_AT = 512;
/** Header columns the roles area holds; a wider file is read in JavaScript. */
const MAX_WASM_COLUMNS = 256;
const OUT_AT = 1_024;
const INPUT_AT = OUT_AT + CAP * 7 * 8;
/** Bytes after the input that the newline scan may read (sixteen at a time). */
const SCAN_ROOM = 16;

/** The parts of the WebAssembly API used here (this project's TypeScript libraries declare none). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { exports: unknown };
  Memory: new (size: { initial: number }) => WasmMemory;
}
interface WasmMemory { readonly buffer: ArrayBuffer }
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface RowsExports {
  pos: { value: number };
  rowCount: { value: number };
  line: { value: number };
  parseRows(pos: number, end: number, ncols: number, out: number, stride: number, cap: number): RowsStop;
}

let compiled: object | null = null;

/**
 * The bar CSV's common rows parsed in WebAssembly (csv-rows.wat): full speed from the first
 * row, where JavaScript's row loop runs interpreted until the JIT compiles it — in a
 * one-run process, most of a 200k-row file. It reads only the forms it parses exactly as the
 * JavaScript parser would and stops at any other line, which the caller then reads in
 * JavaScript (csv-bars.ts). Its input buffer lives in its memory, so the file's chunks are
 * copied there once, as into any other buffer.
 */
export class CsvRowsWasm {
  private readonly x: RowsExports;
  /** The module's memory: its roles area, columns and input. */
  private readonly memory: ArrayBuffer;
  private readonly columns: Float64Array;
  private ncols = 0;
  /** The input buffer (in this parser's memory): `parse` reads positions in it. */
  readonly input: Buffer<ArrayBuffer>;
  /** Where the last `parse` stopped (a position in `input`). */
  pos = 0;
  /** Lines seen, blank ones included, after the last `parse`. */
  line = 0;

  constructor(inputBytes: number) {
    compiled ??= new wasmApi.Module(Buffer.from(CSV_ROWS_WASM, 'base64'));
    // Made at its full size, never grown: growing a WebAssembly memory detaches its old
    // ArrayBuffer, and after one detached buffer V8's optimized code checks every typed-array
    // access of the process for detachment (a 1M-bar backtest ~8 % slower after a CSV load).
    const memory = new wasmApi.Memory({ initial: Math.ceil((INPUT_AT + inputBytes + SCAN_ROOM) / 65_536) });
    this.x = new wasmApi.Instance(compiled, { env: { memory } }).exports as RowsExports;
    this.memory = memory.buffer;
    this.input = Buffer.from(this.memory, INPUT_AT, inputBytes);
    this.columns = new Float64Array(this.memory, OUT_AT, CAP * 7);
  }

  /** The role of each header column (csv-bars.ts ROLE); false when there are too many for this parser. */
  setRoles(roles: Uint8Array): boolean {
    if (roles.length > MAX_WASM_COLUMNS) return false;
    new Uint8Array(this.memory, ROLES_AT, roles.length).set(roles);
    this.ncols = roles.length;
    return true;
  }

  /**
   * Parses whole lines of `input[pos, end)` into `b` after its rows, up to `maxRows` rows in
   * all, numbering them from `line` (the lines seen before `pos`); sets `pos` and `line`.
   */
  parse(pos: number, end: number, line: number, b: BarBatch, maxRows: number): RowsStop {
    const x = this.x;
    x.line.value = line;
    let stop: RowsStop;
    do {
      stop = x.parseRows(INPUT_AT + pos, INPUT_AT + end, this.ncols, OUT_AT, CAP, Math.min(CAP, maxRows - b.length));
      this.takeRows(b, x.rowCount.value);
      pos = x.pos.value - INPUT_AT;
    } while (stop === RowsStop.full && b.length < maxRows);
    this.pos = pos;
    this.line = x.line.value;
    return stop;
  }

  /** Copies the `n` rows just parsed after the batch's rows (the module's column order: ts, open, high, low, close, volume, line). */
  private takeRows(b: BarBatch, n: number): void {
    const c = this.columns;
    const at = b.length;
    const into = [b.ts, b.open, b.high, b.low, b.close, b.volume, b.row!];
    for (let k = 0; k < into.length; k++) into[k].set(c.subarray(k * CAP, k * CAP + n), at);
    b.length = at + n;
  }
}
