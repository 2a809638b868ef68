import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, renderReport } from '../../test/browser.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { cli } from '../../test/cli.ts';

const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const tmp = tempDir();
/** Screenshots go to a temporary folder; `npm run screenshots` points them at reports/screenshots. */
const SHOTS = process.env.LOCKSTEP_SCREENSHOTS ? resolve(process.env.LOCKSTEP_SCREENSHOTS) : join(tmp.dir, 'screenshots');
let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); }, 60_000);
afterAll(async () => browser?.close());


describe('lockstep optimize', () => {
  it('--json: trials in parameter order, each equal to a single backtest; the report renders', async () => {
    const out = join(tmp.dir, 'r1');
    const r = await cli('optimize', '--strategy', 'ma-cross', '--data', ORCL, '--grid', 'fast=5:15:5', '--grid', 'slow=20:60:20', '--cash', '50000',
      '--commission-rate', '0.001', '--workers', '2', '--json', '--out', out, '--study', 'grid1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.trials.map((t: { params: unknown }) => t.params)).toEqual([
      { fast: 5, slow: 20 }, { fast: 5, slow: 40 }, { fast: 5, slow: 60 }, { fast: 10, slow: 20 }, { fast: 10, slow: 40 },
      { fast: 10, slow: 60 }, { fast: 15, slow: 20 }, { fast: 15, slow: 40 }, { fast: 15, slow: 60 },
    ]);
    for (const t of j.trials.slice(0, 3)) {
      const single = await runBacktest({ strategy: 'ma-cross', params: t.params, cash: 50_000, commission: { type: 'rate', rate: 0.001 }, data: [{ file: ORCL, instrument: { symbol: 'ORCL' } }] }, { strategy: maCross });
      expect(t.finalValue).toBe(single.finalValue);
      expect(t.metrics.sharpe).toBe(single.metrics.sharpe);
    }
    expect(existsSync(j.trialsFile)).toBe(true);
    expect(readFileSync(j.trialsFile, 'utf8').trim().split('\n')).toHaveLength(10); // header + 9 trials
    const res = await renderReport(browser, j.report, join(SHOTS, 'optimization-report.png'));
    expect(res.errors).toEqual([]);
    expect(res.rendered).toBe(4); // history, heatmap, sensitivity, parallel coordinates
    expect(res.plots).toBe(4);
  }, 120_000);

  it('random sampler: the same seed reproduces the study, whatever --workers', async () => {
    const run = async (workers: string, seed: string) => JSON.parse((await cli('optimize', '--strategy', 'ma-cross', '--data', ORCL, '--sampler', 'random',
      '--trials', '10', '--seed', seed, '--workers', workers, '--json', '--no-report', '--out', join(tmp.dir, `r-${workers}-${seed}`))).out);
    const a = await run('1', '4');
    const b = await run('2', '4');
    expect(b.trials.map((t: { params: unknown; finalValue: number }) => [t.params, t.finalValue])).toEqual(a.trials.map((t: { params: unknown; finalValue: number }) => [t.params, t.finalValue]));
    expect(a.report).toBeNull();
  }, 120_000);

  it('user errors are one line', async () => {
    const r1 = await cli('optimize', '--strategy', 'ma-cross', '--data', ORCL, '--sampler', 'magic');
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/--sampler must be one of/);
    const r2 = await cli('optimize', '--strategy', 'ma-cross', '--data', ORCL, '--sampler', 'random');
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/needs --trials/);
    const r3 = await cli('optimize', '--strategy', 'ma-cross', '--data', ORCL, '--objective', 'luck');
    expect(r3.err).toMatch(/unknown objective "luck"/);
    for (const r of [r1, r2, r3]) expect(r.err.trim().split('\n')).toHaveLength(1);
  });
  it('failed trials are a warning with the first reason; a study whose every trial failed exits 1; a one-point grid is flagged', async () => {
    const DEMO = 'data/sample/2006-day-001.csv'; // 255 bars: bar=300 never throws
    const base = ['optimize', '--strategy', 'test/fixtures/throwing-strategy.ts', '--data', DEMO, '--out', join(tmp.dir, 'fails'), '--json', '--workers', '1'];
    // Each study gets its own name: runs in the same second would otherwise share an auto-named study file.
    const some = await cli(...base, '--study', 'some-fail', '--grid', 'bar=3,300');
    expect(some.code).toBe(0);
    // The third bar of the file is 2006-01-04: where bar=3 throws.
    expect(JSON.parse(some.out).warnings).toEqual(['1 of 2 trials failed; the first (#0): strategy throwing failed in onBar at event time 2006-01-04T00:00:00.000Z: bar 3 is one too many']);
    expect(some.err).toMatch(/warning: 1 of 2 trials failed/);
    expect(readFileSync(JSON.parse(some.out).report, 'utf8')).toContain('Study notices</h2><ul><li>1 of 2 trials failed; the first (#0)');
    const all = await cli(...base, '--study', 'all-fail', '--grid', 'bar=3,4');
    expect(all.code).toBe(1);
    expect(JSON.parse(all.out).warnings[0]).toMatch(/^2 of 2 trials failed; the first \(#0\): strategy throwing failed in onBar .*: bar 3 is one too many$/);
    const one = await cli(...base, '--study', 'one-point', '--grid', 'bar=300');
    expect(JSON.parse(one.out).warnings).toEqual(['the grid has a single point, so nothing was compared: check the --grid ranges']);
  });
});

describe('lockstep optimize with Optuna where a point fails', () => {
  it('a failed trial counts towards --trials: a TPE study on two points, one failing, ends with its four trials', async () => {
    // Before, failed trials did not count, and the sampler kept proposing the failing point: the study never ended.
    const r = await cli('optimize', '--strategy', 'test/fixtures/throwing-strategy.ts', '--data', 'data/sample/2006-day-001.csv', '--grid', 'bar=3,300',
      '--sampler', 'tpe', '--trials', '4', '--workers', '1', '--json', '--no-report', '--out', join(tmp.dir, 'tpe-fails'), '--study', 'tpe-fails');
    expect(r.code).toBe(0);
    const trials = JSON.parse(r.out).trials as { params: { bar: number }; state: string }[];
    expect(trials).toHaveLength(4);
    expect(trials.filter((t) => t.state === 'failed').every((t) => t.params.bar === 3)).toBe(true);
    expect(trials.filter((t) => t.state === 'complete').every((t) => t.params.bar === 300)).toBe(true);
    expect(trials.some((t) => t.state === 'failed')).toBe(true);
  }, 60_000);
});

describe('lockstep optimize with an Optuna sampler and constraints', () => {
  it('proposals breaking the strategy\'s constraint are not run and are named in a warning; the study still has its trials', async () => {
    const r = await cli('optimize', '--strategy', 'ma-cross', '--data', 'data/sample/2006-day-001.csv', '--sampler', 'tpe', '--trials', '6', '--seed', '2',
      '--grid', 'fast=10:30:1', '--grid', 'slow=12:32:1', '--workers', '1', '--json', '--no-report', '--out', join(tmp.dir, 'tpe-constraints'));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.trials).toHaveLength(6);
    for (const t of j.trials) {
      expect(t.params.fast).toBeLessThan(t.params.slow);
      expect(t.state).toBe('complete');
    }
    const [n] = /^(\d+) of the tpe sampler's proposals broke the space's constraints and were not run \(fast < slow: \1\); the sampler was told they failed and asked again$/.exec(j.warnings[0])!.slice(1);
    expect(Number(n)).toBeGreaterThan(0);
    expect(r.err).toContain(`warning: ${n} of the tpe sampler's proposals`);
  }, 60_000);
});

describe('lockstep optimize --trial-timeout', () => {
  it('a trial stuck in a loop fails with the limit named; the study goes on and exits 0; a bad limit is a usage error', async () => {
    const DEMO = 'data/sample/2006-day-001.csv';
    const r = await cli('optimize', '--strategy', 'test/fixtures/looping-strategy.ts', '--data', DEMO, '--grid', 'loop=0,1', '--workers', '1',
      '--trial-timeout', '1', '--json', '--no-report', '--out', join(tmp.dir, 'loops'), '--study', 'loops');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const [free, stuck] = j.trials;
    expect(free).toMatchObject({ params: { loop: 0 }, state: 'complete' });
    expect(stuck.params).toEqual({ loop: 1 });
    expect(stuck.state).toBe('failed');
    expect(stuck.reason).toMatch(/^stopped after \d+\.\d s: the trial time limit is 1 s \(--trial-timeout; raise it/);
    expect(j.warnings[0]).toMatch(/^1 of 2 trials failed; the first \(#1\): stopped after/);
    const bad = await cli('optimize', '--strategy', 'ma-cross', '--data', DEMO, '--trial-timeout', '-3');
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toMatch(/--trial-timeout.*-3/);
  }, 60_000);
});

describe('lockstep walkforward', () => {
  it('--json folds and stitched results; the report renders in Chromium', async () => {
    const out = join(tmp.dir, 'wf');
    const r = await cli('walkforward', '--strategy', 'ma-cross', '--data', ORCL, '--grid', 'fast=5:20:5', '--grid', 'slow=30:90:30',
      '--train', '1000', '--test', '500', '--workers', '2', '--json', '--out', out, '--study', 'wf1');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.folds).toHaveLength(8);
    expect(j.folds[0].trials).toBe(12);
    expect(j.overfitting.pbo).toBeGreaterThanOrEqual(0);
    expect(j.overfitting.pbo).toBeLessThanOrEqual(1);
    // folds tile the test period without gaps: each test window starts the bar after the previous one ended
    for (let i = 1; i < j.folds.length; i++) expect(j.folds[i].testStart).toBeGreaterThan(j.folds[i - 1].testEnd);
    const res = await renderReport(browser, j.report, join(SHOTS, 'walkforward-report.png'));
    expect(res.errors).toEqual([]);
    expect(res.rendered).toBe(2);
    expect(res.plots).toBe(2);
  }, 120_000);

  it('failed trials are a warning naming the fold; a walk-forward whose every fold had no scored trial exits 1', async () => {
    // 255 bars, 100 to train and 50 to test: three folds. bar=3 throws in every run; bar=1000 never does.
    const base = ['walkforward', '--strategy', 'test/fixtures/throwing-strategy.ts', '--data', 'data/sample/2006-day-001.csv', '--train', '100', '--test', '50',
      '--objective', 'finalValue', '--workers', '1', '--json', '--out', join(tmp.dir, 'wf-fails')];
    const some = await cli(...base, '--study', 'wf-some', '--grid', 'bar=3,1000');
    expect(some.code).toBe(0);
    const j = JSON.parse(some.out);
    expect(j.folds).toHaveLength(3);
    expect(j.folds.every((f: { best: { params: unknown } }) => JSON.stringify(f.best.params) === '{"bar":1000}')).toBe(true);
    expect(j.warnings).toEqual([expect.stringMatching(/^3 of 6 trials failed across the folds' studies; the first \(fold 1, #0\): strategy throwing failed in onBar .*: bar 3 is one too many$/)]);
    expect(some.err).toMatch(/lockstep walkforward: warning: 3 of 6 trials failed/);
    expect(readFileSync(j.report, 'utf8')).toContain('Walk-forward notices</h2><ul><li>3 of 6 trials failed across the folds&#39; studies; the first (fold 1, #0)');
    const all = await cli(...base, '--study', 'wf-all', '--grid', 'bar=3,4', '--no-report');
    expect(all.code).toBe(1);
    expect(JSON.parse(all.out).warnings).toEqual([expect.stringMatching(/^6 of 6 trials failed across/), 'no fold had a trial that scored, so nothing ran out of sample']);
  }, 120_000);
});
