import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest } from 'lockstep';
import { runOracle } from '../../test/oracle.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { strategy } from './index.ts';

const ORACLE = resolve(import.meta.dirname, 'oracle.py');

describe('rsi-reversion (Wilder RSI, long only)', () => {
  for (const [file, period, lower, upper] of [
    ['backtrader/yhoo-1996-2014.txt', 14, 30, 70],
    ['backtrader/2006-min-005.txt', 7, 25, 75],
  ] as const) {
    it(`${file} RSI(${period}) ${lower}/${upper} matches the independent Python oracle`, async () => {
      const path = sharedFile(file);
      const r = await runBacktest(
        { strategy: 'rsi-reversion', params: { period, lower, upper }, data: [{ file: path, instrument: { symbol: 'X' } }] },
        { strategy },
      );
      const py = runOracle(ORACLE, [path, period, lower, upper]);
      expect(py.fills.length).toBeGreaterThan(4);
      expect(r.fills.map((f) => [f.side, f.price, f.qty])).toEqual(py.fills.map((f) => [f.side, f.price, f.qty]));
      expect(r.finalValue).toBeCloseTo(py.finalValue, 6);
    });
  }
});
