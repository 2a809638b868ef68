import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { tempDir } from '../../test/tmp.ts';
import { BadRowHandler } from './bad-rows.ts';
import { openBars } from './read-bars.ts';
import { writeParquetFile } from './parquet-write.ts';
import { readTickFiles } from './tick-parquet.ts';
import { tickValidation } from './tick-validation.ts';
import type { TradeBatch } from './tick-batch.ts';

/**
 * Bad input is named (file, row, field and the fix) or, under `--on-bad-row skip`, skipped
 * and counted; it never changes a result silently. Each case here was accepted or crashed
 * before (see the hardening issue).
 */
const tmp = tempDir();
const T0 = 1_700_000_000_000_000; // 2023-11-14T22:13:20Z in µs

async function readAllBars(file: string, onBadRow: 'error' | 'skip' = 'error') {
  const s = await openBars(file, { onBadRow });
  let n = 0;
  for await (const b of s.batches) n += b.length;
  return { n, report: s.badRows.report };
}

async function barError(csv: string): Promise<string> {
  const f = tmp.file(`bars-${Math.random().toString(36).slice(2)}.csv`, `date,open,high,low,close,volume\n${csv}\n`);
  return readAllBars(f).then(() => 'no error', (e: Error) => e.message.replace(f, 'FILE'));
}

describe('bars: one validation for every reader', () => {
  it.each([
    ['1969-12-31,1,2,0.5,1.5,10', /FILE:2 field "timestamp": timestamp .* is outside 1970-01-01 … 2200-01-01/],
    ['0000-01-01,1,2,0.5,1.5,10', /FILE:2 field "timestamp"/],
    ['100000000000000000000,1,2,0.5,1.5,10', /FILE:2 field "timestamp": timestamp .* outside 1970-01-01/], // an epoch of 1e20
    ['2020-01-01,0xE10,4000,1,3000,10', /FILE:2 field "open": value is not a number/], // hex is not a price
    ['2020-01-01,Infinity,4000,1,3000,10', /FILE:2 field "open": value is not a number/],
    ['2020-01-01,5,4,1,3,10', /FILE:2 field "open": open 5 is outside the bar's range low 1 … high 4/],
    ['2020-01-01,2,4,1,0.5,10', /FILE:2 field "close": close 0.5 is outside the bar's range/],
    ['2020-01-01,2,4,1,3,-1', /FILE:2 field "volume": volume -1 is negative/],
  ])('%s is refused with file, row and field', async (row, want) => {
    expect(await barError(row)).toMatch(want);
  });

  it('the same rows under skip are counted, and the good rows are exactly what is left', async () => {
    const good = ['2020-01-02,1,2,0.5,1.5,10', '2020-01-03,1.5,2.5,1,2,10'];
    const bad = ['2020-01-04,5,4,1,3,10', '2020-01-05,0x10,4,1,3,10'];
    const f = tmp.file('mixed.csv', `date,open,high,low,close,volume\n${[good[0], bad[0], good[1], bad[1]].join('\n')}\n`);
    const r = await readAllBars(f, 'skip');
    expect(r.n).toBe(2);
    expect(r.report.skipped).toBe(2);
    expect(r.report.examples[0]).toMatch(/mixed\.csv:3 field "open"/);
    expect(r.report.examples[1]).toMatch(/mixed\.csv:5 field "open"/);
  });
});

/** Writes a trades Parquet file from rows [ts_local µs, price, size, aggressor] (ts_event = ts_local). */
async function tradesFile(name: string, rows: number[][], rowGroupSize?: number): Promise<string> {
  const f = join(tmp.dir, name);
  mkdirSync(join(f, '..'), { recursive: true });
  const ts = BigInt64Array.from(rows.map((r) => BigInt(r[0])));
  await writeParquetFile(f, {
    ts_event: ts, ts_local: ts, price: Float64Array.from(rows.map((r) => r[1])), size: Float64Array.from(rows.map((r) => r[2])),
    aggressor: Float64Array.from(rows.map((r) => r[3])),
  }, rowGroupSize);
  return f;
}

async function readTrades(files: string[], policy: 'error' | 'skip' = 'error') {
  const v = tickValidation(new BadRowHandler(policy));
  const out: number[][] = [];
  for await (const b of readTickFiles<TradeBatch>(files, v)) for (let i = 0; i < b.length; i++) out.push([b.tsLocal[i], b.price[i], b.qty[i], b.aggressor[i]]);
  return { rows: out, report: v.handler.report };
}

const tickError = (files: string[]) => readTrades(files).then(() => 'no error', (e: Error) => e.message);

describe('ticks: values and order checked in every file, across row groups and files', () => {
  const ok = [T0, 100, 1, 1];
  it.each([
    ['a NaN price', [T0 + 1, Number.NaN, 1, 1], /:3 field "price": NaN is not a positive finite number/],
    ['a negative price', [T0 + 1, -5, 1, 1], /:3 field "price": -5 is not a positive/],
    ['a zero price', [T0 + 1, 0, 1, 1], /:3 field "price": 0 is not a positive/],
    ['an infinite price', [T0 + 1, Infinity, 1, 1], /:3 field "price": Infinity is not/],
    ['a 1e12 price is fine', [T0 + 1, 1e12, 1, 1], /no error/],
    ['a negative size', [T0 + 1, 100, -1, 1], /:3 field "size": -1 is not a positive/],
    ['a NaN size', [T0 + 1, 100, Number.NaN, 1], /:3 field "size"/],
    ['aggressor 7', [T0 + 1, 100, 1, 7], /:3 field "aggressor": 7 is not 1 \(buyer\), -1 \(seller\) or 0 \(unknown\)/],
    ['aggressor 0.5', [T0 + 1, 100, 1, 0.5], /:3 field "aggressor": 0\.5 is not/],
    ['a time before 1970 (a plain integer column: seconds)', [-5, 100, 1, 1], /:3 field "ts_event": timestamp -5000000 µs is outside 1970-01-01/],
  ])('%s', async (name, row, want) => {
    const f = await tradesFile(`v-${name.replace(/\W+/g, '-')}.parquet`, [ok, ok, row]);
    expect(await tickError([f])).toMatch(want);
  });

  it('out of order across row groups: the file and row are named', async () => {
    const rows = [[T0, 100, 1, 1], [T0 + 10, 100, 1, 1], [T0 + 5, 100, 1, 1], [T0 + 20, 100, 1, 1]];
    const f = await tradesFile('groups.parquet', rows, 2); // row groups [1, 2] and [3, 4]
    expect(await tickError([f])).toMatch(/groups\.parquet:3 field "ts_local": timestamp 2023-11-14T22:13:20\.000005Z is earlier than the previous row's/);
  });

  it('out of order across files: the second file and its row are named', async () => {
    const a = await tradesFile('cross/trades-00000.parquet', [[T0, 100, 1, 1], [T0 + 10, 100, 1, 1]]);
    const b = await tradesFile('cross/trades-00001.parquet', [[T0 + 5, 100, 1, 1]]);
    expect(await tickError([a, b])).toMatch(/trades-00001\.parquet:1 field "ts_local": .* earlier than the previous row's/);
  });

  it('under skip the bad rows are counted and the rest equals the file without them (written by hand)', async () => {
    const good = [[T0, 100, 1, 1], [T0 + 2, 101, 2, -1], [T0 + 4, 102, 1, 0]];
    const bad = [[T0 + 1, Number.NaN, 1, 1], [T0 + 3, 100, 1, 7], [T0 + 1, 100, 1, 1]]; // the last: out of order after T0 + 2
    const mixed = await tradesFile('mixed.parquet', [good[0], bad[0], good[1], bad[1], bad[2], good[2]]);
    const clean = await tradesFile('clean.parquet', good);
    const m = await readTrades([mixed], 'skip');
    expect(m.report.skipped).toBe(3);
    expect(m.rows).toEqual((await readTrades([clean])).rows);
    expect(m.report.examples.map((x) => /:(\d+) field "(\w+)"/.exec(x)!.slice(1).join(' '))).toEqual(['2 price', '4 aggressor', '5 ts_local']);
  });

  it('through the CLI: a bad tick file is a one-line error naming it, exit 1', async () => {
    const dir = join(tmp.dir, 'cli-ticks');
    await tradesFile('cli-ticks/trades-00000.parquet', [[T0, 100, 1, 1], [T0 + 1, -1, 1, 1]]);
    const r = await cli('backtest', '--strategy', 'trade-momentum', '--data', dir, '--no-save');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/trades-00000\.parquet:2 field "price": -1 is not a positive finite number\. Fix or remove the row, or pass --on-bad-row skip/);
  });
});

describe('empty and unreadable inputs are errors, not results', () => {
  it.each([
    ['header-only CSV', () => tmp.file('header.csv', 'date,open,high,low,close,volume\n'), /header\.csv: no data rows/],
    ['0-byte Arrow', () => tmp.file('zero.arrow', ''), /zero\.arrow:0: not a readable Arrow IPC file \(the file is empty\)/],
    ['garbage Arrow', () => tmp.file('garbage.arrow', 'x'.repeat(64)), /garbage\.arrow:1: not a readable Arrow IPC file/],
  ])('%s', async (_name, make, want) => {
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', make(), '--no-save');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(want);
    expect(r.err).not.toMatch(/internal error/);
  });

  it('0-row Parquet', async () => {
    const f = join(tmp.dir, 'empty.parquet');
    await writeParquetFile(f, { timestamp: new BigInt64Array(0), open: new Float64Array(0), high: new Float64Array(0), low: new Float64Array(0), close: new Float64Array(0), volume: new Float64Array(0) });
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', f, '--no-save');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/empty\.parquet: no data rows/);
  });

  it('--from after --to is refused before anything runs', async () => {
    const f = tmp.file('fromto.csv', 'date,open,high,low,close,volume\n2020-01-01,1,2,0.5,1.5,10\n');
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', f, '--from', '2020-06-01', '--to', '2020-05-01', '--no-save');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/from 2020-06-01 is after to 2020-05-01/);
  });

  it('a window outside the data names the data\'s range; nothing is saved', async () => {
    const f = tmp.file('range.csv', 'date,open,high,low,close,volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,2,0.5,1.5,10\n');
    const out = join(tmp.dir, 'range-out');
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', f, '--from', '2021-01-01', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/range\.csv: its data \(2020-01-01T00:00:00\.000Z to 2020-01-02T00:00:00\.000Z\) lies outside the window 2021-01-01/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(out)).toBe(false);
  });
});

