import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../session/run-backtest.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { loadSharedBars } from './load-shared.ts';
import { parseObjectives } from './objective.ts';
import { OptunaSampler } from './optuna-sampler.ts';
import { runStudy, type StudySpec } from './run-study.ts';
import type { SharedBars } from './shared-bars.ts';
import { TrialPool } from './trial-pool.ts';
import { TrialStore } from './trial-store.ts';

const FILE = sharedFile('backtrader/orcl-1995-2014.txt');
const config = { strategy: 'ma-cross', cash: 100_000, data: [{ file: FILE, instrument: { symbol: 'ORCL' } }] };
const tmp = tempDir();
let bars: SharedBars;
let pool1: TrialPool;
let pool2: TrialPool;

beforeAll(async () => {
  bars = await loadSharedBars(FILE);
  pool1 = new TrialPool(bars, 'ma-cross', 1);
  pool2 = new TrialPool(bars, 'ma-cross', 2);
}, 60_000);
afterAll(async () => {
  await pool1?.close();
  await pool2?.close();
});

const spec = (over: Partial<StudySpec>): StudySpec => ({
  config, space: maCross.space!, sampler: 'grid', objectives: parseObjectives('sharpe'), seed: 1, ...over,
});

describe('runStudy', () => {
  it('grid results equal single backtests run one by one', async () => {
    const s = spec({ space: { params: { fast: { type: 'int', low: 5, high: 15, step: 5 }, slow: { type: 'int', low: 20, high: 60, step: 20 } } } });
    const study = await runStudy(s, pool2);
    expect(study.trials).toHaveLength(9);
    expect(study.trials.map((t) => t.params)).toEqual([
      { fast: 5, slow: 20 }, { fast: 5, slow: 40 }, { fast: 5, slow: 60 }, { fast: 10, slow: 20 }, { fast: 10, slow: 40 },
      { fast: 10, slow: 60 }, { fast: 15, slow: 20 }, { fast: 15, slow: 40 }, { fast: 15, slow: 60 },
    ]);
    for (const t of study.trials) {
      const single = await runBacktest({ ...config, params: t.params }, { strategy: maCross });
      expect(t.state).toBe('complete');
      expect(t.finalValue).toBe(single.finalValue);
      expect(t.values[0]).toBe(single.metrics.sharpe);
      expect(t.metrics!.trades).toBe(single.trades.length);
    }
    const best = study.trials.reduce((a, b) => (b.values[0] > a.values[0] ? b : a));
    expect(study.best!.number).toBe(best.number);
    expect(study.overfitting!.splits).toBe(924); // C(12, 6)
  });

  it('a worker holds its next trial while it runs one, and each result goes to its own trial', async () => {
    const params = [[5, 20], [10, 40], [15, 60], [20, 80], [25, 100]].map(([fast, slow]) => ({ fast, slow }));
    const tasks = params.map((p, number) => ({ number, params: p, config, objectives: parseObjectives('sharpe'), limits: {}, returnBuckets: 0 }));
    await pool1.run(tasks[0]); // the pool is ready
    const running = tasks.map((t) => pool1.run(t));
    await Promise.resolve(); // run() waits for the pool's start before queueing
    expect(pool1.load).toEqual({ perWorker: [2], queued: 3 });
    const results = await Promise.all(running);
    expect(pool1.load).toEqual({ perWorker: [0], queued: 0 });
    for (const [k, r] of results.entries()) {
      const single = await runBacktest({ ...config, params: params[k] }, { strategy: maCross });
      expect([r.number, r.finalValue]).toEqual([k, single.finalValue]);
    }
  });

  it('a genetic study is identical on 1 and 2 workers, and reproduces from its seed', async () => {
    const s = spec({ sampler: 'genetic', trials: 30, seed: 11 });
    const a = await runStudy(s, pool1);
    const b = await runStudy(s, pool2);
    expect(b.trials.map((t) => [t.params, t.values])).toEqual(a.trials.map((t) => [t.params, t.values]));
    const c = await runStudy({ ...s, seed: 12 }, pool2);
    expect(c.trials.map((t) => t.params)).not.toEqual(a.trials.map((t) => t.params));
  });

  it('limits mark trials infeasible and constraints are respected', async () => {
    const study = await runStudy(spec({ sampler: 'random', trials: 12, seed: 3, limits: { minTrades: 150 } }), pool2);
    for (const t of study.trials) {
      expect(Number(t.params.fast)).toBeLessThan(Number(t.params.slow));
      expect(t.state).toBe(t.metrics!.trades < 150 ? 'infeasible' : 'complete');
    }
    expect(study.trials.some((t) => t.state === 'infeasible')).toBe(true);
  });

  it('streams trials to disk and resumes without re-running them', async () => {
    const file = tmp.file('study/trials.jsonl');
    const s = spec({ sampler: 'random', trials: 8, seed: 5 });
    const first = await runStudy(s, pool2, { store: new TrialStore(file, { s: 'x' }) });
    let reran = 0;
    const again = await runStudy({ ...s, trials: 10 }, pool2, { store: new TrialStore(file, { s: 'x' }), onTrial: (r) => { if (r.seconds > 0 && !first.trials.some((t) => t.number === r.number)) reran++; } });
    expect(again.trials.slice(0, 8).map((t) => [t.params, t.values])).toEqual(first.trials.map((t) => [t.params, t.values]));
    expect(again.trials).toHaveLength(10);
    expect(reran).toBe(2);
    expect(() => new TrialStore(file, { s: 'other' })).toThrow(/different study/);
  });
});

describe('objectives', () => {
  it('a custom objective module scores each trial in the workers', async () => {
    const mod = tmp.file('trade-count.mts', 'export function objective(result: { trades: unknown[] }): number { return result.trades.length; }\n');
    const study = await runStudy(spec({ sampler: 'random', trials: 6, seed: 2, objectives: parseObjectives(`min:${mod}`) }), pool2);
    for (const t of study.trials) {
      expect(t.reason).toBeUndefined();
      expect(t.state).toBe('complete');
      expect(t.values[0]).toBe(t.metrics!.trades);
    }
    expect(study.best!.values[0]).toBe(Math.min(...study.trials.map((t) => t.values[0])));
  });
});

describe('Optuna bridge', () => {
  it('CMA-ES runs and reproduces from its seed', async () => {
    const s = spec({ sampler: 'cmaes', trials: 12, seed: 5 });
    const a = await runStudy(s, pool2);
    const b = await runStudy(s, pool1);
    expect(a.trials.filter((t) => t.state === 'complete').length).toBeGreaterThan(8);
    expect(b.trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
  }, 120_000);

  it('TPE is reproducible from its seed and independent of the worker count', async () => {
    const s = spec({ sampler: 'tpe', trials: 16, seed: 42 });
    const a = await runStudy(s, pool1);
    const b = await runStudy(s, pool2);
    expect(a.trials).toHaveLength(16);
    expect(b.trials.map((t) => [t.params, t.values])).toEqual(a.trials.map((t) => [t.params, t.values]));
    for (const t of a.trials) expect(Number(t.params.fast)).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a parameter set proposed again is never run twice: its first result is reused and marked (TPE on a 4-point space, 12 trials)', async () => {
    let runs = 0;
    const counting = {
      run: (t: Parameters<TrialPool['run']>[0], prune?: Parameters<TrialPool['run']>[1]) => { runs++; return pool2.run(t, prune); },
      runAll: (tasks: Parameters<TrialPool['runAll']>[0]) => { runs += tasks.length; return pool2.runAll(tasks); },
    } as unknown as TrialPool;
    const space = { params: { fast: { type: 'int' as const, low: 2, high: 3 }, slow: { type: 'int' as const, low: 30, high: 31 } } };
    const r = await runStudy(spec({ sampler: 'tpe', trials: 12, seed: 7, space }), counting);
    expect(r.trials).toHaveLength(12);
    const distinct = new Set(r.trials.map((t) => `${t.params.fast}/${t.params.slow}`));
    expect(runs).toBe(distinct.size); // at most 4 backtests for 12 trials
    expect(distinct.size).toBeLessThanOrEqual(4);
    const dups = r.trials.filter((t) => t.duplicateOf !== undefined);
    expect(dups.length).toBe(12 - distinct.size);
    for (const d of dups) {
      const first = r.trials.find((t) => t.number === d.duplicateOf)!;
      expect(first.number).toBeLessThan(d.number);
      expect(first.params).toEqual(d.params);
      expect(d.values).toEqual(first.values);
      expect(first.duplicateOf).toBeUndefined();
    }
  }, 120_000);

  it('a proposal breaking the space\'s constraints is not run, even where the strategy would run it, and does not count (TPE, 12 trials)', async () => {
    const ran: Array<Record<string, unknown>> = [];
    const counting = {
      run: (t: Parameters<TrialPool['run']>[0], prune?: Parameters<TrialPool['run']>[1]) => { ran.push(t.params); return pool2.run(t, prune); },
      runAll: (tasks: Parameters<TrialPool['runAll']>[0]) => { ran.push(...tasks.map((t) => t.params)); return pool2.runAll(tasks); },
    } as unknown as TrialPool;
    // ma-cross checks fast < slow only: it runs fast 15 / slow 25, which this space's rule forbids.
    const rule = (p: Readonly<Record<string, unknown>>): boolean => Number(p.slow) >= 2 * Number(p.fast);
    const space = { params: { fast: { type: 'int' as const, low: 2, high: 20 }, slow: { type: 'int' as const, low: 21, high: 40 } }, constraints: [{ name: 'slow ≥ 2 × fast', check: rule }] };
    const r = await runStudy(spec({ sampler: 'tpe', trials: 12, seed: 3, space }), counting);
    expect(r.trials).toHaveLength(12);
    for (const t of r.trials) expect(rule(t.params)).toBe(true);
    for (const p of ran) expect(rule(p)).toBe(true);
    expect(r.withdrawn!.proposals).toBeGreaterThan(0);
    expect(r.withdrawn!.constraints).toEqual({ 'slow ≥ 2 × fast': r.withdrawn!.proposals });
    // Optuna numbered the withdrawn proposals too: the 12 trials' numbers leave them out.
    expect(Math.max(...r.trials.map((t) => t.number)) + 1).toBeGreaterThanOrEqual(12 + r.withdrawn!.proposals);
  }, 120_000);

  it('a sampler proposing only points that break the constraints ends the study with an error instead of asking for ever', async () => {
    let runs = 0;
    const counting = {
      run: () => { runs++; throw new Error('ran'); },
      runAll: () => { runs++; throw new Error('ran'); },
    } as unknown as TrialPool;
    const space = { params: { fast: { type: 'int' as const, low: 2, high: 9 }, slow: { type: 'int' as const, low: 10, high: 20 } }, constraints: [{ name: 'never', check: () => false }] };
    await expect(runStudy(spec({ sampler: 'tpe', trials: 4, seed: 1, space }), counting))
      .rejects.toThrow(/^the tpe sampler proposed 1000 points in a row that break the space's constraints \(never: 1000\), the last \{.*\}: check the ranges against the constraints$/);
    expect(runs).toBe(0);
  }, 120_000);

  it('NSGA-II handles two objectives and reports a Pareto front', async () => {
    const s = spec({ sampler: 'nsga2', trials: 12, seed: 1, objectives: parseObjectives('sharpe,maxDrawdown') });
    const r = await runStudy(s, pool2);
    expect(r.objectives.map((o) => o.direction)).toEqual(['maximize', 'minimize']);
    expect(r.pareto.length).toBeGreaterThan(0);
    const front = r.trials.filter((t) => r.pareto.includes(t.number));
    for (const f of front) {
      for (const t of r.trials) if (t.state === 'complete') expect(t.values[0] > f.values[0] && t.values[1] < f.values[1]).toBe(false);
    }
  }, 120_000);

  it('pruning stops weak trials early (median pruner on intermediate values)', async () => {
    const s = spec({ sampler: 'tpe', trials: 24, seed: 9, prune: true, batch: 1 });
    const r = await runStudy(s, pool1);
    expect(r.trials.filter((t) => t.state === 'pruned').length).toBeGreaterThan(0);
    expect(r.trials.filter((t) => t.state === 'complete').length).toBeGreaterThan(5);
  }, 120_000);

  it('a crash of the child process is reported, not hung on', async () => {
    const fake = tmp.file('crash.sh', '#!/bin/sh\nread line\necho "boom" >&2\nexit 7\n');
    chmodSync(fake, 0o755);
    process.env.LOCKSTEP_PYTHON = fake;
    try {
      const s = new OptunaSampler(maCross.space!, { sampler: 'tpe', directions: ['maximize'], seed: 1, trials: 5, study: 'x' });
      await expect(s.ask(1)).rejects.toThrow(/Optuna process exited \(code 7\): boom/);
      await s.close();
    } finally {
      delete process.env.LOCKSTEP_PYTHON;
    }
  });

  it('a Python without Optuna gets the install command', async () => {
    const fake = tmp.file('no-optuna.sh', `#!/bin/sh\nexec /usr/bin/python3 -c "import sys; sys.modules['optuna'] = None; sys.argv = sys.argv[1:]; exec(open(sys.argv[0]).read())" "$@"\n`);
    chmodSync(fake, 0o755);
    process.env.LOCKSTEP_PYTHON = fake;
    try {
      const s = new OptunaSampler(maCross.space!, { sampler: 'tpe', directions: ['maximize'], seed: 1, trials: 5, study: 'x' });
      await expect(s.ask(1)).rejects.toThrow(/apt-get install python3-optuna/);
      await s.close();
    } finally {
      delete process.env.LOCKSTEP_PYTHON;
    }
  });
});
