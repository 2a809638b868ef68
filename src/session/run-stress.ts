import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StressReport, StressRow } from '../analytics/report/stress-table.ts';
import { worstWindows } from '../analytics/worst-windows.ts';
import { barCloses } from '../backtest/bar-closes.ts';
import type { RunResult } from '../backtest/run-result.ts';
import { costScenarios, type StressScenario } from '../backtest/stress.ts';
import { parseBacktestConfig, type BacktestConfig } from '../config/session-config.ts';
import { isoFromMicros } from '../core/time.ts';
import { runBacktest } from './run-backtest.ts';

const rowOf = (scenario: string, r: RunResult): StressRow => ({
  scenario, finalValue: r.finalValue, totalReturn: r.metrics.totalReturn, sharpe: r.metrics.sharpe, maxDrawdown: r.metrics.maxDrawdown,
  trades: r.metrics.trades, fees: r.fees,
});

/**
 * Replays a backtest under harsher assumptions — fees × 2, slippage × 2, latency × N (tick
 * runs), and on the `windows` worst stretches of its first instrument (each a tenth of the
 * data, bought and held) — and tabulates each against the run. Each replay keeps memory
 * bounded (a temporary result folder, removed after).
 */
export async function runStress(cfg: BacktestConfig, base: RunResult, o: { latencyFactor?: number; windows?: number } = {}): Promise<StressReport> {
  const ticks = base.feeds.some((f) => f.format === 'ticks');
  const scenarios: StressScenario[] = [...costScenarios(cfg, ticks, o.latencyFactor ?? 4)];
  if (!ticks && (o.windows ?? 3) > 0) scenarios.push(...await windowScenarios(cfg, base, o.windows ?? 3));
  const rows: StressRow[] = [rowOf('the run', base)];
  for (const s of scenarios) {
    if (s.config === null) {
      rows.push({ ...rowOf(s.name, base), finalValue: Number.NaN, totalReturn: Number.NaN, sharpe: Number.NaN, maxDrawdown: Number.NaN, trades: Number.NaN, fees: Number.NaN, skipped: s.skipped ?? '' });
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-stress-'));
    try {
      const r = await runBacktest(s.config, { resultDir: dir });
      rows.push({ ...rowOf(s.name, r), ...(s.window ? { window: s.window } : {}) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { schema: 'lockstep.stress/1', rows };
}

async function windowScenarios(cfg: BacktestConfig, base: RunResult, k: number): Promise<StressScenario[]> {
  const bars = base.feeds[0]?.bars ?? 0;
  if (bars < 200) return [{ name: 'worst windows', config: null, skipped: `${bars} bars: too few for windows of a tenth of the data` }];
  // At most ~100k closes to search: beyond, the last close of every (span / 100k).
  const span = (base.feeds[0].dataLast ?? Number.NaN) - (base.feeds[0].dataFirst ?? Number.NaN);
  const { ts, close } = await barCloses(cfg.data[0].file, bars > 100_000 && span > 0 ? Math.ceil(span / 100_000) : 0);
  const length = Math.max(20, Math.floor(close.length / 10));
  return worstWindows(close, length, k).map((w, i) => {
    const from = isoFromMicros(ts[w.start]);
    const to = isoFromMicros(ts[w.end]);
    return { name: `worst window ${i + 1}`, config: parseBacktestConfig({ ...cfg, from, to }), window: { from, to, buyAndHold: w.change } };
  });
}
