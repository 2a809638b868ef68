import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { barRowsEstimate } from './bar-rows-estimate.ts';
import { microsColumn, writeParquetFile } from './parquet-write.ts';

const tmp = tempDir();

describe('barRowsEstimate', () => {
  it('reads a Parquet file\'s row count from its footer, several row groups included', async () => {
    const n = 1_234;
    const ts = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000_000 + 60_000_000 * i);
    const price = Float64Array.from({ length: n }, (_, i) => 100 + i / 100);
    const f = tmp.file('bars.parquet');
    await writeParquetFile(f, { timestamp: microsColumn(ts), open: price, high: price, low: price, close: price, volume: price }, 500);
    expect(await barRowsEstimate(f)).toBe(1_234);
  });

  it('takes a CSV file as 40 bytes a row', async () => {
    // 100 rows of exactly 40 bytes with their newline: 4,000 bytes.
    const row = '2024-01-01 00:00:00,1.0000,2.0,0.5,1,10\n';
    expect(row.length).toBe(40);
    expect(await barRowsEstimate(tmp.file('bars.csv', row.repeat(100)))).toBe(100);
    expect(await barRowsEstimate(tmp.file('short.csv', row.repeat(3).slice(0, 100)))).toBe(3); // 100 / 40 = 2.5 → 3
  });

  it('is NaN for a folder, a missing file and a file that is not Parquet inside', async () => {
    expect(await barRowsEstimate(tmp.dir)).toBeNaN();
    expect(await barRowsEstimate(`${tmp.dir}/none.csv`)).toBeNaN();
    expect(await barRowsEstimate(tmp.file('broken.parquet', 'not parquet at all'))).toBeNaN();
  });
});
