import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { allocBarBatch, type BarBatch } from './bar-batch.ts';
import { BatchRecycler, readCsvBars } from './csv-bars.ts';
import { microsColumn, writeParquetFile } from './parquet-write.ts';
import { openBars } from './read-bars.ts';

const tmp = tempDir();

/** Row k of the test files: minute bars from 2024-01-01, prices from k. */
const T0 = Date.UTC(2024, 0, 1) / 1000;
const rowText = (k: number): string => `${T0 + 60 * k},${100 + k / 100},${101 + k / 100},${99 + k / 100},${100.5 + k / 100},${k}`;
const csvOf = (rows: number): string => `timestamp,open,high,low,close,volume\n${Array.from({ length: rows }, (_, k) => rowText(k)).join('\n')}\n`;

/** Reads every batch, copying its rows out before handing it on to `done`. */
async function drain(batches: AsyncIterable<BarBatch>, done: (b: BarBatch) => void): Promise<{ close: number[]; ts: number[]; objects: number }> {
  const close: number[] = [];
  const ts: number[] = [];
  const seen = new Set<BarBatch>();
  for await (const b of batches) {
    seen.add(b);
    for (let i = 0; i < b.length; i++) {
      close.push(b.close[i]);
      ts.push(b.ts[i]);
    }
    done(b);
  }
  return { close, ts, objects: seen.size };
}

describe('BatchRecycler', () => {
  it('refills only batches it lent, each once given back', () => {
    const r = new BatchRecycler();
    const a = r.take(10);
    a.length = 7;
    r.lend(a);
    r.giveBack(allocBarBatch(10)); // not lent by it: ignored
    r.giveBack(a);
    r.giveBack(a); // twice: once only
    const again = r.take(10);
    expect(again).toBe(a);
    expect(again.length).toBe(0);
    expect(r.take(10)).not.toBe(a);
  });
});

describe('readCsvBars with batches given back', () => {
  it('reads the same rows into one batch object instead of one per batch', async () => {
    const f = tmp.file('bars.csv', csvOf(3_500));
    const kept = await drain(readCsvBars(f, { batchSize: 1_000 }), () => {});
    const recycler = new BatchRecycler();
    const given = await drain(readCsvBars(f, { batchSize: 1_000, recycler }), (b) => recycler.giveBack(b));
    expect(kept.objects).toBe(4);
    expect(given.objects).toBe(1);
    // Both equal the rows written (not merely each other).
    expect(given.close.length).toBe(3_500);
    for (const k of [0, 999, 1_000, 2_345, 3_499]) {
      expect(given.close[k]).toBe(100.5 + k / 100);
      expect(given.ts[k]).toBe((T0 + 60 * k) * 1e6);
    }
    expect(given.close).toEqual(kept.close);
    expect(given.ts).toEqual(kept.ts);
  });

  it('openBars offers recycle for CSV files (and not for Parquet), and refills a batch the window emptied', async () => {
    const f = tmp.file('window.csv', csvOf(140_000)); // 3 batches of 65,536 rows
    const from = (T0 + 60 * 70_000) * 1e6; // the whole first batch lies before the window
    const filled = new Set<BarBatch>();
    const spy = vi.spyOn(BatchRecycler.prototype, 'take');
    const s = await openBars(f, { from });
    expect(s.recycle).toBeTypeOf('function');
    const got = await drain(s.batches, (b) => s.recycle!(b));
    for (const r of spy.mock.results) filled.add(r.value as BarBatch);
    spy.mockRestore();
    expect(got.ts[0]).toBe(from);
    expect(got.close.length).toBe(70_000);
    expect(got.objects).toBe(1);
    expect(filled.size).toBe(1); // the batch before the window was refilled too
    const pq = tmp.file('bars.parquet');
    const x = Float64Array.of(1, 2);
    await writeParquetFile(pq, { timestamp: microsColumn([1e15, 1e15 + 6e7]), open: x, high: x, low: x, close: x, volume: x });
    expect((await openBars(pq)).recycle).toBeUndefined();
  });
});

describe('readCsvBars across read chunks', () => {
  /** Every row as written (the formula that wrote the file), with its line number (header = 1). */
  const expected = (rows: number) => Array.from({ length: rows }, (_, k) => ({ ts: (T0 + 60 * k) * 1e6, close: 100.5 + k / 100, volume: k, row: k + 2 }));
  const read = async (f: string, chunkBytes: number) => {
    const out: { ts: number; close: number; volume: number; row: number }[] = [];
    for await (const b of readCsvBars(f, { chunkBytes, batchSize: 97 })) {
      for (let i = 0; i < b.length; i++) out.push({ ts: b.ts[i], close: b.close[i], volume: b.volume[i], row: b.row![i] });
    }
    return out;
  };

  it('reads every row once, in order, whatever the chunk size: lines split between chunks, lines longer than a chunk, CRLF, no final newline', async () => {
    const rows = 1_000;
    const lf = csvOf(rows);
    const files = {
      lf: tmp.file('chunks-lf.csv', lf),
      crlf: tmp.file('chunks-crlf.csv', lf.replace(/\n/g, '\r\n')),
      unterminated: tmp.file('chunks-open.csv', lf.slice(0, -1)),
    };
    // 5 and 31 bytes: shorter than a line (the unfinished line outgrows the buffer); 4096: many rows a chunk; 1 MiB: the whole file.
    for (const chunk of [5, 31, 4_096, 1 << 20]) {
      for (const [name, f] of Object.entries(files)) expect(await read(f, chunk), `${name}, ${chunk}-byte chunks`).toEqual(expected(rows));
    }
  });
});
