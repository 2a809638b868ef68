import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { worstWindows } from '../analytics/worst-windows.ts';
import { costScenarios } from '../backtest/stress.ts';
import { parseBacktestConfig } from '../config/session-config.ts';
import { runBacktest } from './run-backtest.ts';
import { runStress } from './run-stress.ts';

const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const tmp = tempDir();

/** Worst windows the plain way: take the worst remaining window, drop everything overlapping it, repeat. */
function naiveWorst(close: number[], length: number, k: number): Array<[number, number]> {
  let left = Array.from({ length: close.length - length + 1 }, (_, s) => s);
  const out: Array<[number, number]> = [];
  while (out.length < k && left.length > 0) {
    const s = left.reduce((a, b) => (close[b + length - 1] / close[b] < close[a + length - 1] / close[a] ? b : a));
    out.push([s, s + length - 1]);
    left = left.filter((t) => t + length - 1 < s || t > s + length - 1);
  }
  return out;
}

describe('stress replays', () => {
  it('worst windows equal a plain greedy search over random walks', () => {
    let seed = 3;
    const rnd = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
    for (let trial = 0; trial < 30; trial++) {
      let p = 100;
      const close = Array.from({ length: 60 + trial * 7 }, () => (p *= 1 + (rnd() - 0.5) * 0.1));
      const length = 5 + (trial % 9);
      expect(worstWindows(close, length, 3).map((w) => [w.start, w.end])).toEqual(naiveWorst(close, length, 3));
    }
  });

  it('cost scenarios: every fee scheme doubled, slippage doubled or 5 bps, latency × N on tick runs only', () => {
    const base = parseBacktestConfig({ strategy: 'ma-cross', data: [{ file: ORCL, instrument: { symbol: 'O', makerFee: 0.001, takerFee: 0.002 } }] });
    const with_ = (c: object) => parseBacktestConfig({ ...base, ...c });
    expect(costScenarios(with_({ commission: { type: 'rate', rate: 0.001 } }), false)[0].config?.commission).toEqual({ type: 'rate', rate: 0.002 });
    expect(costScenarios(with_({ commission: { type: 'maker-taker', maker: -0.0001, taker: 0.0004 } }), false)[0].config?.commission).toEqual({ type: 'maker-taker', maker: -0.0002, taker: 0.0008 });
    const inst = costScenarios(with_({ commission: { type: 'instrument' } }), false)[0].config!;
    expect([inst.data[0].instrument.makerFee, inst.data[0].instrument.takerFee]).toEqual([0.002, 0.004]);
    expect(costScenarios(base, false)[0].skipped).toMatch(/no fees/);
    expect(costScenarios(base, false)[1].config?.slippage).toEqual({ type: 'bps', bps: 5 });
    expect(costScenarios(with_({ slippage: { type: 'ticks', ticks: 2 } }), false)[1].config?.slippage).toEqual({ type: 'ticks', ticks: 4 });
    expect(costScenarios(base, false)[2].skipped).toMatch(/bar runs/);
    expect(costScenarios(with_({ latency: { entryMicros: 300, responseMicros: 200 } }), true, 3)[2].config?.latency).toEqual({ entryMicros: 900, responseMicros: 600 });
  });

  it('on ORCL: fees ×2 costs exactly the run\'s fees again (same fills); each worst window is the buy-and-hold loss the file shows', async () => {
    const cfg = parseBacktestConfig({ strategy: 'ma-cross', params: { size: 100 }, cash: 100_000, commission: { type: 'rate', rate: 0.001 }, data: [{ file: ORCL, instrument: { symbol: 'ORCL' } }] });
    const base = await runBacktest(cfg, { strategy: maCross });
    const report = await runStress(cfg, base);
    const byName = new Map(report.rows.map((r) => [r.scenario, r]));
    const fees = byName.get('fees ×2')!;
    expect(fees.trades).toBe(base.metrics.trades);
    expect(fees.finalValue).toBeCloseTo(base.finalValue - base.fees, 6);
    expect(fees.fees).toBeCloseTo(2 * base.fees, 6);
    const closes = new Map(readFileSync(ORCL, 'utf8').trim().split('\n').slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[4])] as const));
    const windows = report.rows.filter((r) => r.window);
    expect(windows).toHaveLength(3);
    for (const w of windows) {
      const bh = closes.get(w.window!.to.slice(0, 10))! / closes.get(w.window!.from.slice(0, 10))! - 1;
      expect(w.window!.buyAndHold).toBeCloseTo(bh, 12);
      expect(w.window!.buyAndHold).toBeLessThan(0);
    }
    expect(windows[0].window!.buyAndHold).toBeLessThanOrEqual(windows[1].window!.buyAndHold);
  });

  it('backtest --stress saves stress.json and the report shows it; flags alone or with --no-save are usage errors', async () => {
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', ORCL, '--commission-rate', '0.001', '--out', join(tmp.dir, 'reports'), '--stress', '--stress-windows', '1', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { runDir: string; report: string; stress: { rows: Array<{ scenario: string }> } };
    expect(j.stress.rows.map((x) => x.scenario)).toEqual(['the run', 'fees ×2', 'slippage 5 bps (the run has none)', 'latency 400 µs each way (the run has none)', 'worst window 1']);
    expect(JSON.parse(readFileSync(join(j.runDir, 'stress.json'), 'utf8')).rows).toHaveLength(5);
    expect(readFileSync(j.report, 'utf8')).toContain('Stress replays');
    expect((await cli('backtest', '--strategy', 'sma-cross', '--data', ORCL, '--stress-windows', '2', '--no-save')).err).toMatch(/go with --stress/);
    expect((await cli('backtest', '--strategy', 'sma-cross', '--data', ORCL, '--stress', '--no-save')).code).toBe(2);
  });
});
