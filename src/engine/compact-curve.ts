import { builtOnRead } from '../core/built-on-read.ts';
import { RunColumn, StepColumn } from './compact-columns.ts';
import type { EquityCurve } from './equity-recorder.ts';

/** Points of the curve that `blocks` computes at a time (two 128 KB buffers, reused). */
const BLOCK = 16_384;

/** A stretch of the curve's equity and gross exposure, `n` points (the buffers are reused by the next stretch). */
export interface CurveBlock {
  readonly equity: Float64Array;
  readonly exposure: Float64Array;
  readonly n: number;
}

/** Resizable ArrayBuffers (ES2024, in Node 20; this project's lib is ES2023): only what is used here. */
interface Resizable { resize(byteLength: number): void }
const ResizableBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;

/**
 * The value a point of a one-instrument, cash-settled curve is kept as: its position's signed
 * notional `s`, with equity = cash + s and exposure = |s| bit for bit (the portfolio computes
 * them so: one addition to the cash, the absolute value of the same notional). NaN when the
 * point is not of that form (several instruments, margin accounting, a NaN, a −0 equity
 * that the sum would not give back).
 */
export function signedExposure(equity: number, cash: number, exposure: number): number {
  if (!(exposure > 0 || Object.is(exposure, 0))) return Number.NaN;
  let s = exposure;
  if (cash + s !== equity) {
    s = -exposure;
    if (cash + s !== equity) return Number.NaN;
  }
  return equity !== 0 || Object.is(cash + s, equity) ? s : Number.NaN;
}

/**
 * Gross exposures |s| of signed notionals `s` [from, from + m) into `exposure` from index 0
 * (may be `s` itself, from 0). A plain function, not part of the generator that calls it: V8
 * optimizes a hot loop of an ordinary function while it runs.
 */
function absInto(exposure: Float64Array, s: Float64Array, from: number, m: number): void {
  for (let j = 0; j < m; j++) exposure[j] = Math.abs(s[from + j]);
}

/**
 * The columns of a curve the run allocates itself, kept compactly while it is recorded: times
 * as runs of even spacing, cash as the points where it changed, and — while every point is
 * of the one-instrument cash-settled form (`signedExposure`) — equity and exposure as one
 * column of signed notionals. Memory a process touches for the first time costs ~3 ms per
 * MB on this project's machines: a 1M-bar run allocates and writes one 8 MB column (it
 * allocated four and wrote two before). The first point not of that form gets equity and
 * exposure their own columns (the points before it written out). Columns are written in full
 * only when `curve()`'s are read; `blocks()` gives the metrics equity and exposure a stretch
 * at a time without building them. Every value read back is the value recorded, bit for bit.
 */
export class CompactCurve {
  // Written by the recorder per point (see EquityRecorder.record: a call per point, not inlined
  // into the engine's event path, would pass its numbers as new heap objects).
  readonly times = new RunColumn();
  readonly cash = new StepColumn();
  /** Signed notionals while `equity` is null, else gross exposures. */
  exposure: Float64Array;
  equity: Float64Array | null = null;
  /** Points the columns hold. */
  capacity: number;

  /** @param growTo 0: a fixed `capacity`; else the most points the columns grow to in place. */
  constructor(capacity: number, private readonly growTo = 0) {
    this.capacity = capacity;
    this.exposure = this.column(capacity);
  }

  /** Bytes of the columns held (times and cash kept compactly are a few numbers per change). */
  get bytes(): number {
    return this.exposure.byteLength + (this.equity?.byteLength ?? 0);
  }

  /** Doubles the columns in place; false when they are fixed or at their limit. */
  grow(): boolean {
    if (this.growTo === 0 || this.capacity >= this.growTo) return false;
    this.capacity = Math.min(2 * this.capacity, this.growTo);
    for (const c of [this.exposure, this.equity]) if (c !== null) (c.buffer as unknown as Resizable).resize(8 * this.capacity);
    return true;
  }

  /** The first `n` points as columns: equity and exposure views of these columns, times and cash written when first read. Record nothing after. */
  curve(n: number): EquityCurve {
    const curve = {};
    builtOnRead(curve, 'ts', () => this.times.writeInto(new Float64Array(n), n));
    builtOnRead(curve, 'equity', () => this.unsign(n).subarray(0, n));
    builtOnRead(curve, 'cash', () => this.cash.writeInto(new Float64Array(n), n));
    return builtOnRead(curve, 'exposure', () => (this.unsign(n), this.exposure.subarray(0, n))) as EquityCurve;
  }

  /** The first `n` points' equity and exposure, a stretch at a time, without writing their columns (read each before taking the next). */
  *blocks(n: number): Generator<CurveBlock> {
    if (this.equity !== null) {
      yield { equity: this.equity.subarray(0, n), exposure: this.exposure.subarray(0, n), n };
      return;
    }
    const equity = new Float64Array(Math.min(n, BLOCK));
    const exposure = new Float64Array(equity.length);
    for (let from = 0; from < n; from += BLOCK) {
      const m = Math.min(BLOCK, n - from);
      this.cash.writeRange(equity, from, from + m, this.exposure);
      absInto(exposure, this.exposure, from, m);
      yield { equity, exposure, n: m };
    }
  }

  /**
   * The equity column, made when first asked: its first `n` points written from the cash and
   * the signed notionals, which become gross exposures in place. Later points go into both.
   */
  unsign(n: number): Float64Array {
    if (this.equity !== null) return this.equity;
    const equity = this.column(this.capacity);
    this.cash.writeRange(equity, 0, n, this.exposure);
    absInto(this.exposure, this.exposure, 0, n);
    return (this.equity = new Float64Array(equity.buffer));
  }

  private column(points: number): Float64Array {
    if (this.growTo === 0) return new Float64Array(points);
    return new Float64Array(new ResizableBuffer(8 * points, { maxByteLength: 8 * this.growTo }));
  }
}
