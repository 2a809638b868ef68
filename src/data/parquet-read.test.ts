import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { readParquetColumns } from './parquet-read.ts';
import { writeParquetFile } from './parquet-write.ts';

const tmp = tempDir();

describe('readParquetColumns', () => {
  it('reads numeric and string columns', async () => {
    const f = tmp.file('x.parquet');
    await writeParquetFile(f, { n: new Float64Array([1.5, 2]), s: ['a', 'b'] });
    const r = await readParquetColumns(f);
    expect(r.rows).toBe(2);
    expect(Array.from(r.columns.n as Float64Array)).toEqual([1.5, 2]);
    expect(r.columns.s).toEqual(['a', 'b']);
  });

  it('reads a file with no rows, whose empty string columns are stored with the Null type (a session without fills)', async () => {
    const f = tmp.file('empty.parquet');
    await writeParquetFile(f, { orderId: [], price: new Float64Array(0) });
    const r = await readParquetColumns(f);
    expect(r.rows).toBe(0);
    expect(r.columns.orderId).toEqual([]);
    expect((r.columns.price as Float64Array).length).toBe(0);
  });
});
