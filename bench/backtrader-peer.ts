import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bench-util.ts';

export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** A backtrader checkout (`fetch` mementum/backtrader, `git archive` it): $BACKTRADER_DIR, else /tmp/bt. */
export const BACKTRADER = [process.env.BACKTRADER_DIR, '/tmp/bt'].find((d): d is string => d !== undefined && existsSync(join(d, 'backtrader', '__init__.py')));
export const NO_BACKTRADER = 'backtrader not found: fetch mementum/backtrader, git archive it, set BACKTRADER_DIR';

/**
 * ma-cross in backtrader: always in the market once both SMAs exist, long 1 while the fast
 * SMA is above the slow one, short 1 while below (order_target_size at the next open), on
 * the bench CSV (timestamp,open,high,low,close,volume). `run` backtests one pair; `opt`
 * runs optstrategy over the pairs given (maxcpus 2). Prints JSON: final values and the
 * seconds cerebro.run took (data loading included, as backtrader preloads in run).
 */
const SCRIPT = `
import sys, json, time, backtrader as bt
class MaCross(bt.Strategy):
    params = (('fast', 10), ('slow', 30))
    def __init__(self):
        self.f = bt.indicators.SMA(self.data.close, period=self.p.fast)
        self.s = bt.indicators.SMA(self.data.close, period=self.p.slow)
    def next(self):
        if self.f[0] == self.s[0]: return
        self.order_target_size(target=1 if self.f[0] > self.s[0] else -1)
    def stop(self):
        self.final = self.broker.getvalue()
def cerebro(path):
    c = bt.Cerebro(stdstats=False)
    c.adddata(bt.feeds.GenericCSVData(dataname=path, dtformat='%Y-%m-%d %H:%M:%S', timeframe=bt.TimeFrame.Minutes,
        datetime=0, open=1, high=2, low=3, close=4, volume=5, openinterest=-1))
    c.broker.setcash(100000)
    return c
mode, path = sys.argv[1], sys.argv[2]
c = cerebro(path)
if mode == 'run':
    c.addstrategy(MaCross, fast=int(sys.argv[3]), slow=int(sys.argv[4]))
    t = time.perf_counter(); r = c.run(); dt = time.perf_counter() - t
    print(json.dumps({'seconds': dt, 'final': [r[0].final]}))
else:
    pairs = json.load(open(sys.argv[3]))
    c.optstrategy(MaCross, fast=sorted({p[0] for p in pairs}), slow=sorted({p[1] for p in pairs}))
    t = time.perf_counter(); r = c.run(maxcpus=2, optreturn=False); dt = time.perf_counter() - t
    print(json.dumps({'seconds': dt, 'final': [x[0].final for x in r]}))
`;

/** Runs the backtrader script; returns its JSON and the whole process's wall time. */
export function backtrader(args: string[]): { wallSeconds: number; seconds: number; final: number[] } {
  return runPeerScript('bt_macross.py', SCRIPT, args, BACKTRADER!) as { wallSeconds: number; seconds: number; final: number[] };
}

/** The arguments with each JSON array written to a file in `dir` and replaced by its path (a long list would not fit a command line). */
export function jsonArgsAsFiles(dir: string, args: readonly string[]): string[] {
  return args.map((a, k) => (a.startsWith('[') ? (writeFileSync(join(dir, `arg${k}.json`), a), join(dir, `arg${k}.json`)) : a));
}

/**
 * Writes a peer's Python script (and any JSON argument, as a file) into a temp folder, runs it
 * with the peer's tree on PYTHONPATH and returns the JSON of its last stdout line plus the
 * whole process's wall time.
 */
export function runPeerScript(name: string, source: string, args: readonly string[], pythonPath: string): Record<string, unknown> & { wallSeconds: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-peer-'));
  try {
    const script = join(dir, name);
    writeFileSync(script, source);
    const t0 = performance.now();
    const r = spawnSync(PYTHON, [script, ...jsonArgsAsFiles(dir, args)], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PYTHONPATH: pythonPath }, timeout: 900_000, maxBuffer: 64 << 20 });
    const wallSeconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr.slice(-2000)}`);
    return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>), wallSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
