import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PYTHON, sharedFile } from '../../test/shared-data.ts';
import { correlationMatrix } from './correlation-matrix.ts';

/** Daily returns of ORCL, NVDA and YHOO on the days all three traded. */
function returnsOnCommonDays(): number[][] {
  const files = ['orcl-1995-2014.txt', 'nvda-1999-2014.txt', 'yhoo-1996-2014.txt'].map((f) => new Map(readFileSync(sharedFile(`backtrader/${f}`), 'utf8').trim().split('\n').slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[4])] as const)));
  const days = [...files[0].keys()].filter((d) => files.every((m) => m.has(d)));
  return files.map((m) => days.slice(1).map((d, i) => m.get(d)! / m.get(days[i])! - 1));
}

describe('correlation matrix against numpy corrcoef', () => {
  it('ORCL, NVDA and YHOO daily returns, a constant series and a negated copy', () => {
    const r = returnsOnCommonDays();
    const series = [...r, r[0].map(() => 0.001), r[1].map((x) => -2 * x + 0.01)];
    const want = JSON.parse(execFileSync(PYTHON, ['-c', 'import sys, json, numpy as np, warnings; warnings.simplefilter("ignore"); print(json.dumps(np.corrcoef(np.array(json.load(sys.stdin))).tolist()).replace("NaN", "null"))'], { input: JSON.stringify(series), maxBuffer: 64 << 20 }).toString()) as (number | null)[][];
    const got = correlationMatrix(series);
    expect(r[0].length).toBeGreaterThan(3000);
    got.forEach((row, i) => row.forEach((v, j) => (want[i][j] === null ? expect(v, `${i},${j}`).toBeNaN() : expect(v, `${i},${j}`).toBeCloseTo(want[i][j]!, 12))));
    expect(got[1][4]).toBeCloseTo(-1, 12);
  });

  it('refuses series of different lengths', () => {
    expect(() => correlationMatrix([[1, 2, 3], [1, 2]])).toThrow(/equally long/);
  });
});
