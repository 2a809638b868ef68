import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/package-root.ts';

/**
 * 1,500 ma-cross trials of 2,000 bars in one thread, as an optimizer worker runs them, with
 * V8's deoptimizations printed: each line `TRIAL k` before trial k, then V8's bailouts. V8 runs
 * single-threaded, so it compiles on the trials' thread and the same trials tier up in every run
 * (the tree before the fix deoptimized at trial 371 each time).
 */
const TRIALS = `
  const { evaluateTrial } = await import('./src/optimize/evaluate-trial.ts');
  const { shareBars } = await import('./src/optimize/shared-bars.ts');
  const { parseObjectives } = await import('./src/optimize/objective.ts');
  const { synthBars } = await import('./src/data/synth-bars.ts');
  const { strategy } = await import('./strategies/ma-cross/index.ts');
  const bars = shareBars([synthBars({ count: 2_000, seed: 42 })]);
  const config = { strategy: 'ma-cross', cash: 100_000, data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };
  const objectives = parseObjectives('sharpe');
  for (let k = 0; k < 1_500; k++) {
    console.log('TRIAL', k);
    const params = { fast: 2 + 2 * (k % 10), slow: 25 + 2 * (k % 97) };
    const r = await evaluateTrial({ number: k, params, config, objectives, limits: {}, returnBuckets: 0 }, bars, strategy);
    if (r.state !== 'complete') throw new Error(r.reason);
  }`;

describe('an optimizer thread', () => {
  it('keeps its optimized code once warm: no object of a later trial has another map than the code expects', () => {
    const r = spawnSync(process.execPath, ['--trace-deopt', '--single-threaded', '--import', 'tsx', '--input-type=module', '-e', TRIALS], {
      cwd: packageRoot(), encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26,
    });
    expect(r.status, r.stderr).toBe(0);
    let trial = -1;
    let bailouts = 0;
    const late: string[] = [];
    for (const line of r.stdout.split('\n')) {
      const at = /^TRIAL (\d+)$/.exec(line);
      if (at) trial = Number(at[1]);
      if (!line.startsWith('[bailout (')) continue;
      bailouts++;
      // A map check fails when the run's objects change shape from one trial to the next, or
      // when code that builds them, once optimized, builds them otherwise (Array#map's holey
      // arrays did: every hot function deoptimized ~900 trials in). The first trials are V8 learning.
      if (trial >= 100 && line.includes('reason: wrong map')) late.push(`trial ${trial}: ${/<JSFunction ([^ >]*)/.exec(line)?.[1] ?? line}`);
    }
    expect(trial).toBe(1_499);
    // The trace is read: the first trials deoptimize (a new strategy closure per trial), in the format parsed here.
    expect(bailouts).toBeGreaterThan(0);
    expect(late).toEqual([]);
  }, 180_000);
});
