import { Field, Int32, Struct, Table, tableFromArrays, tableToIPC, vectorFromArray } from 'apache-arrow';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { concatBarBatches, rowOf, type BarBatch } from './bar-batch.ts';
import { barRowsEstimate } from './bar-rows-estimate.ts';
import { readParquetTable } from './parquet-batches.ts';
import { FastParquet } from './parquet-fast.ts';
import { loadParquetWasm } from './parquet-wasm.ts';
import { microsColumn, writeParquetFile } from './parquet-write.ts';
import { openBars, type ReadBarsOptions } from './read-bars.ts';

const tmp = tempDir();

async function readAll(file: string, opts?: ReadBarsOptions): Promise<{ bars: BarBatch; skipped: number; examples: string[] }> {
  const s = await openBars(file, opts);
  const batches: BarBatch[] = [];
  for await (const b of s.batches) batches.push(b);
  return { bars: concatBarBatches(batches), skipped: s.badRows.report.skipped, examples: s.badRows.report.examples };
}

async function readError(file: string): Promise<DataError> {
  try {
    await readAll(file);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error(`expected ${file} to fail`);
}

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) * 1000;

describe('CSV bars', () => {
  it('reads the backtrader daily file: 255 rows, first and last rows as written', async () => {
    const { bars } = await readAll(sharedFile('backtrader/2006-day-001.txt'));
    expect(bars.length).toBe(255);
    expect(bars.ts[0]).toBe(utc(2006, 1, 2));
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([3578.73, 3605.95, 3578.73, 3604.33, 0]);
    expect(bars.ts[254]).toBe(utc(2006, 12, 29));
  });

  it('joins a separate Date and Time column', async () => {
    const { bars } = await readAll(sharedFile('backtrader/2006-min-005.txt'));
    expect(bars.ts[0]).toBe(utc(2006, 1, 2, 9, 5));
    expect(bars.ts[1] - bars.ts[0]).toBe(5 * 60 * 1e6);
    expect(bars.close[1]).toBe(3588.03);
  });

  it('ignores extra columns such as Adj Close', async () => {
    const { bars } = await readAll(sharedFile('backtrader/nvda-1999-2014.txt'));
    expect(bars.close[0]).toBe(1.640625); // Close, not Adj Close (1.518424)
    expect(bars.volume[0]).toBe(67867200);
  });

  it('reads a fractional-second timestamp column', async () => {
    const { bars } = await readAll(sharedFile('crypto/btc-perp-20211231-20220201_1m.csv'));
    expect(bars.ts[0]).toBe(utc(2021, 12, 31, 23, 1));
    expect(bars.volume[0]).toBe(2300413.7295);
  });

  it('matches header names in any case and order, epoch seconds and milliseconds', async () => {
    const s = tmp.file('epoch-s.csv', 'VOLUME,Close,LOW,high,Open,Timestamp\n5,10.5,9,11,10,1700000000\n6,10.75,10,11,10.5,1700000060\n');
    const ms = tmp.file('epoch-ms.csv', 'timestamp,open,high,low,close\n1700000000000,10,11,9,10.5\n');
    const a = (await readAll(s)).bars;
    expect(a.ts[0]).toBe(1_700_000_000 * 1e6);
    expect([a.open[1], a.high[1], a.low[1], a.close[1], a.volume[1]]).toEqual([10.5, 11, 10, 10.75, 6]);
    const b = (await readAll(ms)).bars;
    expect(b.ts[0]).toBe(1_700_000_000 * 1e6);
    expect(b.volume[0]).toBe(0); // no volume column reads as 0
  });

  it('keeps rows across read chunks and CRLF line ends', async () => {
    const lines = ['date,open,high,low,close,volume'];
    for (let i = 0; i < 3000; i++) lines.push(`${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${100 + i * 0.01},${101 + i * 0.01},${99 + i * 0.01},${100.5 + i * 0.01},${i}`);
    const f = tmp.file('crlf.csv', lines.join('\r\n') + '\r\n');
    const { bars } = await readAll(f);
    expect(bars.length).toBe(3000);
    expect(bars.volume[2999]).toBe(2999);
    expect(bars.close[1234]).toBe(Number((100.5 + 1234 * 0.01).toString()));
  });
});

describe('bad input names file, row and field', () => {
  const header = 'date,open,high,low,close,volume\n';
  const ok1 = '2024-01-01,10,11,9,10,100\n';
  const cases: Array<[string, string, number, string, RegExp]> = [
    ['unparseable number', ok1 + '2024-01-02,10,11,abc,10,100\n', 3, 'low', /not a number/],
    ['NaN price', ok1 + '2024-01-02,NaN,11,9,10,100\n', 3, 'open', /not a number/],
    ['negative price', ok1 + '2024-01-02,10,11,9,-10,100\n', 3, 'close', /positive/],
    ['high below low', ok1 + '2024-01-02,10,8,9,10,100\n', 3, 'high', /below low/],
    ['negative volume', ok1 + '2024-01-02,10,11,9,10,-1\n', 3, 'volume', /negative/],
    ['duplicate timestamp', ok1 + ok1, 3, 'timestamp', /duplicate/],
    ['out of order', ok1 + '2023-12-31,10,11,9,10,100\n', 3, 'timestamp', /earlier/],
    ['bad date', ok1 + '2024-13-02,10,11,9,10,100\n', 3, 'timestamp', /could not be parsed/],
  ];
  for (const [name, body, row, field, problem] of cases) {
    it(name, async () => {
      const f = tmp.file(`bad-${name.replace(/ /g, '-')}.csv`, header + body);
      const e = await readError(f);
      expect(e.location).toEqual({ file: f, row, field });
      expect(e.message).toContain(`${f}:${row} field "${field}"`);
      expect(e.message).toMatch(problem);
      expect(e.message).toMatch(/--on-bad-row skip/); // the fix is named
    });
  }

  it('a row with the wrong number of fields', async () => {
    const f = tmp.file('short.csv', header + ok1 + '2024-01-02,10,11\n');
    const e = await readError(f);
    expect(e.location.row).toBe(3);
    expect(e.message).toMatch(/field/);
  });

  it('a header without a close column', async () => {
    const f = tmp.file('nohdr.csv', 'date,open,high,low\n2024-01-01,1,2,1\n');
    const e = await readError(f);
    expect(e.location.row).toBe(1);
    expect(e.message).toMatch(/close/);
  });

  it('skip policy skips, counts and keeps row numbers of later rows', async () => {
    const body = ok1 + '2024-01-02,10,8,9,10,100\n' + '2024-01-03,10,11,x,10,100\n' + '2024-01-04,10,11,9,10.5,100\n' + '2024-01-04,10,11,9,10.5,100\n';
    const f = tmp.file('skip.csv', header + body);
    const { bars, skipped, examples } = await readAll(f, { onBadRow: 'skip' });
    expect(skipped).toBe(3);
    expect(bars.length).toBe(2);
    expect(bars.close[1]).toBe(10.5);
    expect(rowOf(bars, 1)).toBe(5);
    expect(examples[0]).toContain(`${f}:3 field "high"`);
    expect(examples[2]).toContain(`${f}:6 field "timestamp"`);
  });

  it('missing file is a config error with the path', async () => {
    await expect(openBars(tmp.file('nope.csv'))).rejects.toThrow(/nope\.csv not found/);
  });
});

describe('Parquet and Arrow IPC give the same bars as CSV', () => {
  it('round-trips the NVDA file through both formats', async () => {
    const csv = (await readAll(sharedFile('backtrader/nvda-1999-2014.txt'))).bars;
    const cols = {
      timestamp: microsColumn(csv.ts), open: csv.open.slice(), high: csv.high.slice(), low: csv.low.slice(),
      close: csv.close.slice(), volume: csv.volume.slice(),
    };
    const pq = tmp.file('nvda.parquet');
    await writeParquetFile(pq, cols, 1000); // several row groups
    const arrow = tmp.file('nvda.arrow');
    writeFileSync(arrow, tableToIPC(tableFromArrays({ ...cols, open: csv.open.slice() }), 'file'));
    for (const f of [pq, arrow]) {
      const other = (await readAll(f)).bars;
      expect(other.length).toBe(csv.length);
      for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(other[k]).toEqual(csv[k].subarray(0, csv.length));
    }
  });

  it('reads Parquet with text columns (date-times as ISO text, a symbol) row group by row group, and with a nested column through parquet-wasm: the CSV\'s bars', async () => {
    const csv = (await readAll(sharedFile('backtrader/nvda-1999-2014.txt'))).bars;
    const n = csv.length;
    const iso = Array.from(csv.ts.subarray(0, n), (t) => new Date(t / 1000).toISOString());
    const pq = tmp.file('nvda-text.parquet');
    await writeParquetFile(pq, {
      symbol: iso.map(() => 'NVDA'), date: iso, open: csv.open.slice(0, n), high: csv.high.slice(0, n), low: csv.low.slice(0, n),
      close: csv.close.slice(0, n), volume: csv.volume.slice(0, n),
    }, 1000);
    // In parquet-fast's subset (the text columns too), not sent to parquet-wasm.
    expect(FastParquet.openFile(pq, { text: true })?.columns.map((c) => c.physical)).toEqual(['text', 'text', 'double', 'double', 'double', 'double', 'double']);
    const fast = (await readAll(pq)).bars;
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(fast[k], k).toEqual(csv[k].subarray(0, n));
    expect(await barRowsEstimate(pq)).toBe(n);
    // The same table with a nested column, outside the decoder's subset: parquet-wasm gives the text back dictionary-encoded, read the same.
    const pw = await loadParquetWasm();
    const flagged = tmp.file('nvda-text-nested.parquet');
    const t = await readParquetTable(pq);
    const withFlag = new Table({ ...Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name)!])), meta: vectorFromArray(iso.map((_, i) => ({ a: i })), new Struct([new Field('a', new Int32())])) });
    const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setMaxRowGroupSize(1000).build();
    writeFileSync(flagged, pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(withFlag, 'stream')), props));
    expect(FastParquet.openFile(flagged, { text: true })).toBeNull();
    const general = (await readAll(flagged)).bars;
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(general[k], k).toEqual(csv[k].subarray(0, n));
  });

  it('validates Parquet rows like CSV rows (row numbers count data rows from 1)', async () => {
    const pq = tmp.file('bad.parquet');
    await writeParquetFile(pq, {
      ts: microsColumn([utc(2024, 1, 1), utc(2024, 1, 2)]), open: Float64Array.of(1, 1), high: Float64Array.of(2, 0.5),
      low: Float64Array.of(0.5, 0.9), close: Float64Array.of(1, 1), volume: Float64Array.of(1, 1),
    });
    const e = await readError(pq);
    expect(e.location).toEqual({ file: pq, row: 2, field: 'high' });
  });

  it('from/to window keeps only rows inside, inclusive', async () => {
    const s = await readAll(sharedFile('backtrader/2006-day-001.txt'), { from: utc(2006, 3, 1), to: utc(2006, 3, 31) });
    expect(s.bars.ts[0]).toBe(utc(2006, 3, 1));
    expect(s.bars.ts[s.bars.length - 1]).toBe(utc(2006, 3, 31));
    expect(s.bars.length).toBe(23); // trading days in March 2006 in the file (counted with grep below)
  });
});
