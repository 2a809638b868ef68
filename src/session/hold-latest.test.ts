import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { sliceBatches, synthBars } from '../data/synth-bars.ts';
import { readCsvBars } from '../data/csv-bars.ts';
import { readParquetBars } from '../data/arrow-bars.ts';
import { ThriftReader } from '../data/thrift-compact.ts';
import { microsColumn, writeParquetFile } from '../data/parquet-write.ts';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from './run-backtest.ts';
import { heldLatest } from '../core/hold-latest.ts';

// V8's own view of a function (flags apply to code compiled after they are set), and a full collection on demand.
setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');
const status = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
const collect = runInNewContext('gc') as () => void;
/** V8's OptimizationStatus bit for code made by its optimizing compiler (TurboFan). */
const TURBOFANNED = 1 << 6;
/** Repeats `work` (at least `min` times, at most 12) until V8 has compiled `fn` with TurboFan: compilation runs on another thread, later on a loaded machine. */
async function untilOptimized(fn: () => unknown, work: () => Promise<unknown>, min: number): Promise<void> {
  for (let k = 0; k < 12 && (k < min || !(status(fn()) & TURBOFANNED)); k++) await work();
}

const feed = sliceBatches(synthBars({ count: 200_000, seed: 3 }), 65_536);
const config = { strategy: 'ma-cross', params: { fast: 10, slow: 30 }, data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };

async function run(): Promise<Engine> {
  let engine: Engine | null = null;
  await runBacktest(config, { feeds: [feed], onEngine: (e) => { engine = e; } });
  return engine!;
}

describe('a run held until the next one', () => {
  it('keeps the engine optimized through a full collection between two runs', async () => {
    const onBar = Engine.prototype.onBar;
    await untilOptimized(() => onBar, run, 3);
    expect(status(onBar) & TURBOFANNED).toBe(TURBOFANNED); // at least 600k bars: compiled
    // V8 keeps maps that optimized code uses through two more full collections (--retain-maps-for-n-gc=2): six are well past that.
    for (let k = 0; k < 6; k++) collect();
    // Without the hold, the last run's objects are collected, their hidden classes with them,
    // and V8 throws away every function optimized against those classes.
    expect(status(onBar) & TURBOFANNED).toBe(TURBOFANNED);
  }, 60_000);

  it('holds only the last run: the one before it can be collected', async () => {
    const first = new WeakRef(await run());
    const second = await run();
    expect((heldLatest('session') as { engine: Engine }).engine).toBe(second);
    collect();
    expect(first.deref()).toBeUndefined();
  }, 60_000);

  it('keeps the CSV reader\'s JavaScript row loop optimized through full collections between two files', async () => {
    const rows = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 100_000; i++) rows.push(`${1.6e12 + 60_000 * i},${100 + (i % 7)},${101 + (i % 7)},${99 + (i % 7)},${100.5 + (i % 7)},${i % 13}`);
    const file = tempDir().file('bars.csv', rows.join('\n') + '\n');
    // Every row in JavaScript: the loop that reads the lines the WebAssembly parser leaves to it (quoted fields, exponents, offsets…).
    const read = async () => { let n = 0; for await (const b of readCsvBars(file, { wasmRows: false })) n += b.length; return n; };
    expect(await read()).toBe(100_000);
    const row = (Object.getPrototypeOf(heldLatest('csv-bar-parser')) as { row: unknown }).row;
    await untilOptimized(() => row, read, 2);
    expect(status(row) & TURBOFANNED).toBe(TURBOFANNED);
    for (let k = 0; k < 6; k++) collect();
    expect(status(row) & TURBOFANNED).toBe(TURBOFANNED);
  }, 60_000);

  it('keeps the Parquet decoder optimized through full collections between two files', async () => {
    const bars = synthBars({ count: 300_000, seed: 5 });
    const file = tempDir().file('bars.parquet');
    await writeParquetFile(file, { timestamp: microsColumn(bars.ts.subarray(0, bars.length)), open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume });
    const read = async () => { let n = 0; for await (const b of readParquetBars(file)) n += b.length; return n; };
    expect(await read()).toBe(300_000);
    const varint = (ThriftReader.prototype as unknown as { varint: unknown }).varint; // page headers and delta-encoded blocks
    await untilOptimized(() => varint, read, 2);
    expect(status(varint) & TURBOFANNED).toBe(TURBOFANNED);
    for (let k = 0; k < 6; k++) collect();
    expect(status(varint) & TURBOFANNED).toBe(TURBOFANNED);
  }, 60_000);
});
