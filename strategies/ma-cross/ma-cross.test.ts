import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest } from 'lockstep';
import { runOracle } from '../../test/oracle.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { strategy } from './index.ts';

const ORACLE = resolve(import.meta.dirname, 'oracle.py');

describe('ma-cross (always in the market, long/short on the SMA cross)', () => {
  for (const [file, fast, slow, size] of [
    ['backtrader/2006-day-001.txt', 10, 30, 1],
    ['backtrader/orcl-1995-2014.txt', 5, 20, 100],
    ['crypto/btc-perp-20211231-20220201_1m.csv', 10, 30, 1],
  ] as const) {
    it(`${file} ${fast}/${slow} size ${size} matches the independent Python oracle`, async () => {
      const path = sharedFile(file);
      const r = await runBacktest(
        { strategy: 'ma-cross', params: { fast, slow, size }, cash: 1e6, data: [{ file: path, instrument: { symbol: 'X' } }] },
        { strategy },
      );
      const py = runOracle(ORACLE, [path, fast, slow, size, 1e6]);
      expect(r.fills.length).toBe(py.fills.length);
      expect(r.fills.map((f) => [f.side, f.price, f.qty])).toEqual(py.fills.map((f) => [f.side, f.price, f.qty]));
      expect(r.finalValue).toBeCloseTo(py.finalValue, 4);
      expect(r.positions[0].qty).toBe(py.position);
    });
  }

  it('reverses with a single order of twice the size', async () => {
    const path = sharedFile('backtrader/2006-day-001.txt');
    const r = await runBacktest({ strategy: 'ma-cross', data: [{ file: path, instrument: { symbol: 'X' } }] }, { strategy });
    expect(r.fills[0].qty).toBe(1);
    expect(r.fills.slice(1).every((f) => f.qty === 2)).toBe(true);
    expect(r.fills.every((f, i) => i === 0 || f.side !== r.fills[i - 1].side)).toBe(true);
  });

  it('fast must be shorter than slow', async () => {
    const path = sharedFile('backtrader/2006-day-001.txt');
    await expect(runBacktest({ strategy: 'ma-cross', params: { fast: 30, slow: 10 }, data: [{ file: path, instrument: { symbol: 'X' } }] }, { strategy }))
      .rejects.toThrow(/fast must be shorter than slow/);
  });
});
