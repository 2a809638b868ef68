import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { tempDir } from '../../test/tmp.ts';
import { shuffleTrades } from '../analytics/monte-carlo.ts';
import { readRun } from '../backtest/read-run.ts';

const DEMO = resolve(import.meta.dirname, '../../data/sample/2006-day-001.csv');
const tmp = tempDir();

describe('Monte Carlo from the CLI: backtest --monte-carlo and report --monte-carlo', () => {
  it('a backtest saves montecarlo.json (seeded by the run) and its report shows it; report --monte-carlo redoes it with another seed', async () => {
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', DEMO, '--out', join(tmp.dir, 'reports'), '--monte-carlo', '300', '--seed', '4', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { runDir: string; report: string; monteCarlo: { trades: { runs: number; seed: number; maxDrawdown: { p50: number } }; returns: { blockLength: number } } };
    const saved = JSON.parse(readFileSync(join(j.runDir, 'montecarlo.json'), 'utf8'));
    expect(saved).toEqual(JSON.parse(JSON.stringify(j.monteCarlo)));
    expect(saved.trades.runs).toBe(300);
    expect(saved.trades.seed).toBe(4);
    expect(saved.returns.blockLength).toBe(Math.round(Math.cbrt(254))); // 255 bars: 254 returns
    // The same shuffle from the saved trades, outside the CLI.
    const run = await readRun(j.runDir);
    expect(saved.trades.maxDrawdown).toEqual(shuffleTrades(run.trades.map((t) => t.netPnl), run.initialCash, { runs: 300, seed: 4 }).maxDrawdown);
    const html = readFileSync(j.report, 'utf8');
    expect(html).toContain('fig-monte-carlo');
    expect(html).toContain('Trade order shuffled — 300 paths, seed 4');
    const again = await cli('report', j.runDir, '--monte-carlo', '200', '--seed', '9', '--block-length', '5', '--ruin', '0.99');
    expect(again.code, again.err).toBe(0);
    const redone = JSON.parse(readFileSync(join(j.runDir, 'montecarlo.json'), 'utf8'));
    expect([redone.trades.runs, redone.trades.seed, redone.returns.blockLength, redone.returns.ruinLevel]).toEqual([200, 9, 5, run.equity.equity[0] * 0.99]);
    expect(readFileSync(j.report, 'utf8')).toContain('200 block-bootstrap paths (blocks of 5 bars), seed 9');
  });

  it.each([
    [['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--monte-carlo', '5', '--out', join(tmp.dir, 'r2')], /--monte-carlo expects a whole number of paths from 10 to 100000/],
    [['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--monte-carlo', '100', '--no-save'], /--monte-carlo saves montecarlo\.json in the run folder; drop --no-save/],
    [['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--block-length', '5', '--no-save'], /--block-length and --ruin go with --monte-carlo N/],
    [['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--monte-carlo', '100', '--ruin', '1.5', '--out', join(tmp.dir, 'r3')], /--ruin expects a fraction between 0 and 1/],
    [['optimize', '--strategy', 'sma-cross', '--data', DEMO, '--grid', 'period=5:10:5', '--monte-carlo', '100', '--out', join(tmp.dir, 'r4')], /--monte-carlo and --benchmark apply to a backtest's report/],
  ])('usage error: %s', async (argv, want) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(want);
  });
});
