import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from '../engine/strategy.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { allocBarBatch } from '../data/bar-batch.ts';
import { evaluateTrial, type TrialTask } from './evaluate-trial.ts';
import { parseObjectives } from './objective.ts';
import { shareBars, sliceShared } from './shared-bars.ts';

/** Ticks the strategy's instrument had, one per run. */
const seen: number[] = [];
const tickProbe = defineStrategy({
  name: 'tick-probe', description: 'records its instrument tick', params: z.strictObject({ n: z.number().default(0) }),
  create: () => {
    let first = true;
    return {
      onBar(_b, ctx) {
        if (first) seen.push(ctx.instrument().tickSize);
        first = false;
      },
    };
  },
});

/** 200 minute bars: the first 100 on whole prices (tick 1), the rest on cents (tick 0.01). */
function twoGrids() {
  const b = allocBarBatch(200);
  b.length = 200;
  for (let i = 0; i < 200; i++) {
    const p = i < 100 ? 100 + (i % 7) : 100.25 + (i % 5) / 100;
    b.ts[i] = Date.UTC(2024, 0, 1) * 1000 + i * 60_000_000;
    b.open[i] = p;
    b.high[i] = p + 1;
    b.low[i] = p - 1;
    b.close[i] = p;
    b.volume[i] = 10;
  }
  return shareBars([b]);
}

const config = { strategy: 'tick-probe', cash: 1_000, data: [{ file: 'memory', instrument: { symbol: 'X' } }] };
const task = (number: number, rows: [number, number], cfg = config): TrialTask => ({
  number, params: { n: number }, config: cfg, rows, objectives: parseObjectives('totalReturn'), limits: {}, returnBuckets: 0,
});

describe('evaluateTrial', () => {
  it("gives each row range the tick a run infers from its own first rows, also when trials alternate between ranges", async () => {
    const bars = twoGrids();
    seen.length = 0;
    for (const [k, rows] of ([[100, 200], [0, 100], [100, 200], [0, 100]] as [number, number][]).entries()) {
      expect((await evaluateTrial(task(k, rows), bars, tickProbe)).state).toBe('complete');
    }
    expect(seen).toEqual([0.01, 1, 0.01, 1]);
    // The same rows as a plain backtest (no trial): the run's own inference agrees.
    seen.length = 0;
    await runBacktest({ ...config, params: { n: 0 } }, { strategy: tickProbe, feeds: [sliceShared(bars, 100, 200)] });
    await runBacktest({ ...config, params: { n: 0 } }, { strategy: tickProbe, feeds: [sliceShared(bars, 0, 100)] });
    expect(seen).toEqual([0.01, 1]);
  });

  it('keeps a tick the config states', async () => {
    const bars = twoGrids();
    seen.length = 0;
    await evaluateTrial(task(0, [0, 100]), bars, tickProbe);
    await evaluateTrial(task(1, [0, 100], { ...config, data: [{ file: 'memory', instrument: { symbol: 'X', tickSize: 0.5 } as { symbol: string } }] }), bars, tickProbe);
    expect(seen).toEqual([1, 0.5]);
  });
});
