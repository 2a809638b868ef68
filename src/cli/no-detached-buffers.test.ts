import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tableToIPC } from 'apache-arrow';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs module of the command's entry, without type declarations
import { compiledIsFresh } from '../../bin/compiled-is-fresh.mjs';
import { tempDir } from '../../test/tmp.ts';
import { writeSynthBarFile } from '../data/synth-bars.ts';
import { ParquetStreamWriter } from '../data/parquet-stream.ts';
import { readParquetTable } from '../data/parquet-batches.ts';
import { loadParquetWasm } from '../data/parquet-wasm.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DEMO = join(ROOT, 'data/sample/2006-day-001.csv');
const tmp = tempDir();
/** What V8 prints (with --trace-protector-invalidation) when the process first detaches an ArrayBuffer. */
const DETACHED = 'Invalidating protector cell ArrayBufferDetaching';

/** Runs the command with V8 tracing protector invalidations; its stdout and exit code. */
function traced(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--trace-protector-invalidation', join(ROOT, 'bin/lockstep.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout };
}

/** A `--no-save` backtest that ends well and detaches no ArrayBuffer. */
function expectNoDetach(args: string[]): void {
  const r = traced(args);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^final value/m);
  expect(r.out).not.toContain(DETACHED);
}

// Once any ArrayBuffer of a thread has been detached (a transfer to another thread, a
// WebAssembly memory grown), V8's optimized code checks every typed-array access of that
// thread for detachment: ~10 % more instructions in the bar loop, for the rest of the process.
// Only while bin/lockstep.js runs dist/ (as in CI, after `npm run build`): from the sources it
// registers tsx's module hooks, whose loader thread detaches the buffers it hands over, and
// the trace does not say which thread it was.
describe.skipIf(!(compiledIsFresh(ROOT) as boolean))('no ArrayBuffer is detached where backtests run (npm run build first)', () => {
  it('a backtest from CSV (the WebAssembly row parser\'s memory is made at its full size, not grown)', () => {
    expectNoDetach(['backtest', '--strategy', 'ma-cross', '--data', DEMO, '--no-save']);
  });

  it('a backtest from a flat numeric Parquet file (read by the JavaScript decoder, not parquet-wasm)', () => {
    const file = tmp.file('bars.parquet');
    writeSynthBarFile(file, { count: 5_000, seed: 7 });
    expectNoDetach(['backtest', '--strategy', 'ma-cross', '--data', file, '--no-save']);
  });

  it('a backtest from the bundled BTC sample (Snappy pages: read by the JavaScript decoder)', () => {
    expectNoDetach(['backtest', '--strategy', 'ma-cross', '--data', join(ROOT, 'data/sample/btc-perp-1m.parquet'), '--no-save']);
  });

  it('a backtest from bars with zstd pages (polars\' default: read by the JavaScript decoder since zstd.ts)', async () => {
    // Long enough that parquet-wasm would grow its memory to read it (checked: it detached on the code before).
    const snappy = tmp.file('bars-for-zstd.parquet');
    writeSynthBarFile(snappy, { count: 100_000, seed: 7 });
    const pw = await loadParquetWasm();
    const file = tmp.file('bars-zstd.parquet');
    const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).build();
    writeFileSync(file, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(await readParquetTable(snappy), 'stream')), props));
    expectNoDetach(['backtest', '--strategy', 'ma-cross', '--data', file, '--no-save']);
  });

  it('a saved backtest and its report (the run\'s series read back by the JavaScript decoder, not parquet-wasm)', () => {
    // Long enough that parquet-wasm would grow its memory to read the series back (the demo's 255 bars fit in its first pages).
    const file = tmp.file('bars-saved.parquet');
    writeSynthBarFile(file, { count: 100_000, seed: 7 });
    const r = traced(['backtest', '--strategy', 'ma-cross', '--data', file, '--out', tmp.file('runs')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^report\s+\S+report\.html$/m);
    expect(r.out).not.toContain(DETACHED);
  });

  it('a tick backtest from normalized trades with a symbol column (read by the JavaScript decoder, the text column skipped)', () => {
    // Long enough that parquet-wasm would grow its memory to read it (checked: it detached on the code before).
    const n = 200_000;
    const file = tmp.file('trades-00000.parquet');
    const w = new ParquetStreamWriter(file, { ts_event: 'timestamp', ts_local: 'timestamp', price: 'double', size: 'double', aggressor: 'double', symbol: 'string' });
    const ts = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000_000 + i * 1_000);
    w.writeRowGroup({
      ts_event: ts, ts_local: ts, price: Float64Array.from({ length: n }, (_, i) => 100 + (i % 50) * 0.5),
      size: new Float64Array(n).fill(1), aggressor: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1)), symbol: new Array<string>(n).fill('BTCUSDT'),
    }, n);
    w.close();
    expectNoDetach(['backtest', '--strategy', 'trade-momentum', '--data', file, '--no-save']);
  });

  it('an optimization: its trials\' results are copied, not transferred, from the workers', () => {
    const r = traced(['optimize', '--strategy', 'ma-cross', '--data', DEMO, '--grid', 'fast=2,4', '--grid', 'slow=10,20', '--workers', '2', '--no-report', '--out', tmp.dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/4 trials/);
    expect(r.out).not.toContain(DETACHED);
  });
});
