import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../session/run-backtest.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import type { TrialTask } from './evaluate-trial.ts';
import { loadSharedBars } from './load-shared.ts';
import { parseObjectives } from './objective.ts';
import type { SharedBars } from './shared-bars.ts';
import { TrialPool } from './trial-pool.ts';

const FILE = sharedFile('backtrader/orcl-1995-2014.txt');
const config = { strategy: 'ma-cross', cash: 100_000, data: [{ file: FILE, instrument: { symbol: 'ORCL' } }] };
const tmp = tempDir();
let bars: SharedBars;
let pool: TrialPool;

beforeAll(async () => {
  bars = await loadSharedBars(FILE);
  pool = new TrialPool(bars, 'ma-cross', 2);
}, 60_000);
afterAll(async () => {
  await pool?.close();
});

const task = (number: number, fast: number, slow: number, objectives = parseObjectives('sharpe')): TrialTask =>
  ({ number, params: { fast, slow }, config, objectives, limits: {}, returnBuckets: 8 });

describe('TrialPool.runAll (a batch the workers share out from one counter)', () => {
  it('settles each promise with its own task\'s result, over more trials than one group of results holds', async () => {
    // 90 trials of at least 4 ms each (a custom objective, scored in the workers, waits) on two
    // workers: ≥ 180 ms of trials each, several groups of results (50 ms each) from each worker.
    const slow = parseObjectives(tmp.file('slow.mts', 'const s = new Int32Array(new SharedArrayBuffer(4));\nexport function objective(r: { finalValue: number }): number { Atomics.wait(s, 0, 0, 4); return r.finalValue; }\n'));
    const tasks = Array.from({ length: 90 }, (_, k) => task(k, 2 + (k % 9), 20 + 3 * Math.floor(k / 9), slow));
    const results = await Promise.all(pool.runAll(tasks));
    expect(results.map((r) => r.number)).toEqual(tasks.map((t) => t.number));
    expect(results.map((r) => r.params)).toEqual(tasks.map((t) => t.params));
    for (const k of [0, 41, 89]) {
      const single = await runBacktest({ ...config, params: tasks[k].params }, { strategy: maCross });
      expect(results[k].finalValue).toBe(single.finalValue);
      expect(results[k].values[0]).toBe(single.finalValue);
    }
    // The same tasks one at a time: the same results.
    const oneByOne = await Promise.all(tasks.slice(0, 10).map((t) => pool.run(t)));
    expect(oneByOne.map((r) => [r.finalValue, r.values, [...r.returns!]])).toEqual(results.slice(0, 10).map((r) => [r.finalValue, r.values, [...r.returns!]]));
  });

  it('an empty batch is settled at once; batches after a batch and beside single trials run too', async () => {
    expect(pool.runAll([])).toEqual([]);
    const [a, b] = [pool.runAll([task(0, 5, 20), task(1, 10, 40)]), pool.runAll([task(2, 15, 60)])];
    const single = pool.run(task(3, 20, 80));
    const all = await Promise.all([...a, ...b, single]);
    expect(all.map((r) => r.number)).toEqual([0, 1, 2, 3]);
    expect(all.every((r) => r.state === 'complete')).toBe(true);
  });

  it('a worker that dies mid-batch fails every trial not yet settled, and the pool refuses more', async () => {
    const own = new TrialPool(bars, 'ma-cross', 2);
    try {
      // A custom objective (run in the workers) that ends its thread on the sixth trial it scores.
      const mod = tmp.file('dies.mts', 'let n = 0;\nexport function objective(): number { if (n++ === 5) process.exit(7); return 0; }\n');
      const tasks = Array.from({ length: 40 }, (_, k) => task(k, 5, 20, parseObjectives(mod)));
      const settled = await Promise.allSettled(own.runAll(tasks));
      const failed = settled.filter((s) => s.status === 'rejected');
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed) expect(String((f as PromiseRejectedResult).reason)).toMatch(/trial worker exited with code 7/);
      await expect(own.run(task(99, 5, 20))).rejects.toThrow(/exited with code 7/);
    } finally {
      await own.close();
    }
  });
});

describe('TrialPool with a trial time limit (a strategy stuck in a loop)', () => {
  // ma-cross, but stuck for ever on its first bar when fast is 7.
  const MA_CROSS = new URL('../../strategies/ma-cross/index.ts', import.meta.url).pathname;
  const stuck = tmp.file('stuck.mts', `import { strategy as base } from ${JSON.stringify(MA_CROSS)};
export const strategy = { ...base, name: 'stuck-on-7', create(p) {
  const inner = base.create(p);
  return { onBar(bar, ctx) { if (p.fast === 7) for (;;) {} inner.onBar(bar, ctx); } };
} };
`);
  const isTimeout = (r: { state: string; reason?: string }) => r.state === 'failed' && /trial time limit is 1 s \(--trial-timeout/.test(r.reason ?? '');

  it('fails a batch\'s stuck trials, replaces their workers, and runs every other trial as without a limit', async () => {
    const own = new TrialPool(bars, stuck, 2, { trialTimeoutSeconds: 1 });
    try {
      const tasks = Array.from({ length: 24 }, (_, k) => task(k, 2 + (k % 8), 30 + 5 * Math.floor(k / 8)));
      const results = await Promise.all(own.runAll(tasks));
      expect(results.map((r) => r.number)).toEqual(tasks.map((t) => t.number));
      const stuckOnes = results.filter((r) => r.params.fast === 7);
      expect(stuckOnes).toHaveLength(3);
      for (const r of stuckOnes) expect(isTimeout(r)).toBe(true);
      // Every other trial as the pool without a limit runs plain ma-cross.
      const others = results.filter((r) => r.params.fast !== 7);
      const plain = await Promise.all(pool.runAll(tasks.filter((t) => t.params.fast !== 7)));
      expect(others.map((r) => [r.state, r.finalValue, r.values])).toEqual(plain.map((r) => [r.state, r.finalValue, r.values]));
      expect(others.every((r) => r.state === 'complete')).toBe(true);
      expect(own.size).toBe(2);
      // The pool goes on: a later batch and a single trial run on the replacements.
      const later = await Promise.all([...own.runAll([task(100, 5, 20)]), own.run(task(101, 10, 40))]);
      expect(later.map((r) => r.state)).toEqual(['complete', 'complete']);
    } finally {
      await own.close();
    }
  });

  it('fails a single stuck trial; the trial queued behind it in the same worker runs on the replacement', async () => {
    const own = new TrialPool(bars, stuck, 1, { trialTimeoutSeconds: 1 });
    try {
      const [a, b] = await Promise.all([own.run(task(0, 7, 30)), own.run(task(1, 5, 20))]);
      expect(isTimeout(a)).toBe(true);
      expect(a.seconds).toBeGreaterThanOrEqual(1);
      const single = await runBacktest({ ...config, params: { fast: 5, slow: 20 } }, { strategy: maCross });
      expect(b.state).toBe('complete');
      expect(b.finalValue).toBe(single.finalValue);
    } finally {
      await own.close();
    }
  });

  it('a single trial sent to a worker stuck in a batch\'s trial runs on the replacement', async () => {
    const own = new TrialPool(bars, stuck, 1, { trialTimeoutSeconds: 1 });
    try {
      const [a, b] = await Promise.all([...own.runAll([task(0, 7, 30)]), own.run(task(1, 5, 20))]);
      expect(isTimeout(a)).toBe(true);
      expect(b.state).toBe('complete');
    } finally {
      await own.close();
    }
  });

  it('a trial\'s waits for its pruner\'s answers do not count towards the limit', async () => {
    const own = new TrialPool(bars, stuck, 1, { trialTimeoutSeconds: 1 });
    try {
      let asked = 0;
      // Ten checkpoints, each answered after 250 ms: 2.5 s of waiting for a trial that runs in milliseconds.
      const slowPruner = async () => { asked++; await new Promise((r) => setTimeout(r, 250)); return false; };
      const r = await own.run({ ...task(0, 5, 20), checkpoints: 10 }, slowPruner);
      expect(asked).toBeGreaterThanOrEqual(5);
      expect(r.state).toBe('complete');
      const single = await runBacktest({ ...config, params: { fast: 5, slow: 20 } }, { strategy: maCross });
      expect(r.finalValue).toBe(single.finalValue);
    } finally {
      await own.close();
    }
  });

  it('refuses a limit that is not a positive number of seconds', () => {
    expect(() => new TrialPool(bars, 'ma-cross', 1, { trialTimeoutSeconds: 0 })).toThrow(/positive number of seconds, got 0/);
  });
});
