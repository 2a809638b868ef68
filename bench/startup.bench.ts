import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist, median, ROOT, writeBenchJson } from './bench-util.ts';
import { BACKTRADER, NO_BACKTRADER, PYTHON } from './backtrader-peer.ts';

const DEMO = join(ROOT, 'data/sample/2006-day-001.csv');

/** backtrader's quickstart on the same file: SMA(15) cross, long 1 / flat, cash 10,000 (sma-cross's reference). */
const BT_SCRIPT = `
import sys, backtrader as bt
class S(bt.Strategy):
    def __init__(self):
        self.sma = bt.indicators.SMA(self.data.close, period=15)
        self.cross = bt.indicators.CrossOver(self.data.close, self.sma)
    def next(self):
        if not self.position and self.cross[0] > 0: self.buy(size=1)
        elif self.position and self.cross[0] < 0: self.close()
c = bt.Cerebro(); c.adddata(bt.feeds.BacktraderCSVData(dataname=sys.argv[1])); c.addstrategy(S); c.broker.setcash(10000)
c.run(); print(round(c.broker.getvalue(), 2))
`;

/** Median wall time (s) of `runs` runs of a command, and its last stdout. */
function wall(cmd: string, args: string[], runs: number, env: NodeJS.ProcessEnv = process.env): { seconds: number; out: string } {
  const times: number[] = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env, timeout: 120_000 });
    times.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    out = r.stdout;
  }
  return { seconds: median(times), out };
}

/**
 * Whole-process start-up: `lockstep --version` and `lockstep backtest` on the 255-bar demo
 * (saving its result and report), against backtrader's quickstart on the same file.
 */
export async function startupBench(): Promise<Record<string, unknown>> {
  buildDist();
  const out = mkdtempSync(join(tmpdir(), 'lockstep-startup-'));
  try {
    const bin = join(ROOT, 'bin/lockstep.js');
    // Node itself starting and exiting: the floor under every figure here (it moves with the machine).
    const bare = wall(process.execPath, ['-e', '0'], 11);
    const version = wall(process.execPath, [bin, '--version'], 11);
    const backtest = wall(process.execPath, [bin, 'backtest', '--strategy', 'sma-cross', '--data', DEMO, '--out', out], 7);
    const noSave = wall(process.execPath, [bin, 'backtest', '--strategy', 'sma-cross', '--data', DEMO, '--no-save'], 7);
    let peer: { seconds: number; finalValue: number } | { skipped: string };
    if (BACKTRADER) {
      const script = join(out, 'bt_quickstart.py');
      writeFileSync(script, BT_SCRIPT);
      const r = wall(PYTHON, [script, DEMO], 5, { ...process.env, PYTHONPATH: BACKTRADER });
      peer = { seconds: r.seconds, finalValue: Number(r.out.trim()) };
    } else peer = { skipped: NO_BACKTRADER };
    const figures = {
      nodeSeconds: bare.seconds, versionSeconds: version.seconds, backtestSeconds: backtest.seconds, backtestNoSaveSeconds: noSave.seconds, goals: { versionSeconds: 0.15, backtestSeconds: 0.6 },
      peer, ratio: 'seconds' in peer ? backtest.seconds / peer.seconds : null,
    };
    const file = writeBenchJson('startup', figures);
    console.log([
      'startup: whole-process wall time, medians (node bin/lockstep.js, compiled dist/)',
      `  lockstep --version                 ${(version.seconds * 1000).toFixed(0)} ms   (goal ≤ 150 ms; node -e 0 alone ${(bare.seconds * 1000).toFixed(0)} ms)`,
      `  lockstep backtest (demo, saved)    ${(backtest.seconds * 1000).toFixed(0)} ms   (goal ≤ 600 ms; --no-save ${(noSave.seconds * 1000).toFixed(0)} ms)`,
      'seconds' in peer ? `  backtrader quickstart, same file   ${(peer.seconds * 1000).toFixed(0)} ms (final value ${peer.finalValue}) → lockstep takes ${(backtest.seconds / peer.seconds).toFixed(2)}× backtrader's time (goal ≤ 2×)` : `  backtrader: ${peer.skipped}`,
      `  → ${file}`,
    ].join('\n'));
    return figures;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
