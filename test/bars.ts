import { z } from 'zod';
import { runBacktest } from '../src/session/run-backtest.ts';
import type { SessionConfigInput } from '../src/config/session-config.ts';
import type { RunResult } from '../src/backtest/run-result.ts';
import type { BarView } from '../src/core/events.ts';
import { MICROS_PER_DAY } from '../src/core/time.ts';
import type { BarBatch } from '../src/data/bar-batch.ts';
import { defineStrategy, type Context, type Strategy } from '../src/engine/strategy.ts';

/** [open, high, low, close, volume] */
export type Ohlcv = readonly [number, number, number, number, number];

export const DAY0 = Date.UTC(2024, 0, 1) * 1000;

/** A batch of daily bars starting 2024-01-01 from OHLCV tuples. */
export function dailyBars(rows: readonly Ohlcv[], start = DAY0, step = MICROS_PER_DAY): BarBatch {
  const n = rows.length;
  const f = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return {
    length: n, ts: Float64Array.from(rows, (_, i) => start + i * step), open: f(0), high: f(1), low: f(2), close: f(3),
    volume: f(4), row: null, firstRow: 1,
  };
}

/** A strategy that runs `onBar(i, bar, ctx)` with the bar index. */
export function scripted(onBar: (i: number, bar: BarView, ctx: Context) => void, extra: Partial<Strategy> = {}) {
  return defineStrategy({
    name: 'scripted', description: 'test script', params: z.strictObject({}),
    create: () => {
      let i = 0;
      return { ...extra, onBar: (bar, ctx) => onBar(i++, bar, ctx) };
    },
  });
}

/** Runs a scripted strategy over in-memory bars. */
export function runScripted(
  rows: readonly Ohlcv[], onBar: (i: number, bar: BarView, ctx: Context) => void,
  config: Partial<SessionConfigInput> & { instrument?: Record<string, unknown> } = {}, extra: Partial<Strategy> = {},
): Promise<RunResult> {
  const { instrument, ...rest } = config;
  return runBacktest(
    { strategy: 'scripted', data: [{ file: 'memory', instrument: { symbol: 'T', tickSize: 0.01, ...instrument } }], ...rest },
    { strategy: scripted(onBar, extra), feeds: [[dailyBars(rows)]] },
  );
}
