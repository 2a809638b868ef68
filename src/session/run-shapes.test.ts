import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { sliceBatches, synthBars } from '../data/synth-bars.ts';
import { runBacktest } from './run-backtest.ts';
import { heldRun } from './run-shapes.ts';

// V8's own view of a function (flags apply to code compiled after they are set), and a full collection on demand.
setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');
const status = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
const collect = runInNewContext('gc') as () => void;
/** V8's OptimizationStatus bit for code made by its optimizing compiler (TurboFan). */
const TURBOFANNED = 1 << 6;

const feed = sliceBatches(synthBars({ count: 200_000, seed: 3 }), 65_536);
const config = { strategy: 'ma-cross', params: { fast: 10, slow: 30 }, data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };

async function run(): Promise<Engine> {
  let engine: Engine | null = null;
  await runBacktest(config, { feeds: [feed], onEngine: (e) => { engine = e; } });
  return engine!;
}

describe('a run held until the next one', () => {
  it('keeps the engine optimized through a full collection between two runs', async () => {
    for (let k = 0; k < 3; k++) await run();
    const onBar = Engine.prototype.onBar;
    expect(status(onBar) & TURBOFANNED).toBe(TURBOFANNED); // 600k bars: compiled by now
    // V8 keeps maps that optimized code uses through two more full collections (--retain-maps-for-n-gc=2): six are well past that.
    for (let k = 0; k < 6; k++) collect();
    // Without the hold, the last run's objects are collected, their hidden classes with them,
    // and V8 throws away every function optimized against those classes.
    expect(status(onBar) & TURBOFANNED).toBe(TURBOFANNED);
  }, 60_000);

  it('holds only the last run: the one before it can be collected', async () => {
    const first = new WeakRef(await run());
    const second = await run();
    expect((heldRun() as { engine: Engine }).engine).toBe(second);
    collect();
    expect(first.deref()).toBeUndefined();
  }, 60_000);
});
