import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openPeerSession, type PeerSession } from './peer-session.ts';

/** A vectorbt 0.28.3 tree (`fetch` polakowo/vectorbt, `git archive 267c496 vectorbt | tar -x -C DIR`): $VECTORBT_DIR, else /tmp/vbt. */
export const VECTORBT = [process.env.VECTORBT_DIR, '/tmp/vbt'].find((d): d is string => d !== undefined && existsSync(join(d, 'vectorbt', '__init__.py')));
export const NO_VECTORBT = 'vectorbt not found: fetch polakowo/vectorbt, `git archive 267c496 vectorbt | tar -x -C /tmp/vbt` (or set VECTORBT_DIR), '
  + 'and apt-get install python3-numba python3-plotly python3-dill python3-dateparser python3-imageio python3-schedule python3-mypy-extensions';

/**
 * ma-cross in vectorbt: the fast/slow SMA state (long while fast > slow, short while below)
 * decided on a close, shifted one bar and filled at the next open, size 1, reversing
 * (`upon_opposite_entry='reverse'`), cash 100,000, no fees. Both modes stay up after compiling
 * on one pair and time one run per request: `serve` one backtest of the whole file
 * (openVectorbt), `opt` every pair of a JSON file at once, as broadcast columns
 * (openVectorbtStudy), `rank` every pair ranked by Sharpe ratio (openVectorbtRanking).
 */
const SCRIPT = `
import os, sys, json, time, resource, warnings
warnings.simplefilter('ignore')
import numpy as np, pandas as pd, vectorbt as vbt
mode, path = sys.argv[1], sys.argv[2]
df = pd.read_csv(path)
close, open_ = df['close'].to_numpy(), df['open'].to_numpy()
def portfolio(fasts, slows, **freq):
    f = vbt.MA.run(close, window=fasts, per_column=False).ma.to_numpy().reshape(len(close), -1)
    s = vbt.MA.run(close, window=slows, per_column=False).ma.to_numpy().reshape(len(close), -1)
    pad = np.zeros((1, f.shape[1]), bool)
    long, short = np.vstack([pad, (f > s)[:-1]]), np.vstack([pad, (f < s)[:-1]])
    k = long.shape[1]
    pf = vbt.Portfolio.from_signals(np.tile(close[:, None], (1, k)), entries=long, short_entries=short, price=np.tile(open_[:, None], (1, k)),
        size=1, upon_opposite_entry='reverse', init_cash=100000, fees=0, **freq)
    return pf
def backtest(fasts, slows):
    return np.asarray(portfolio(fasts, slows).final_value()).reshape(-1)
# Ranked by the study's objective: the Sharpe ratio of one-minute returns, a year of 365.25 days (Lockstep's),
# 250 pairs per broadcast (the 1,000 at once were killed for memory on 24 GiB at their second run).
CHUNK = 250
def ranked(fasts, slows):
    final, sharpe = [], []
    for i in range(0, len(fasts), CHUNK):
        pf = portfolio(fasts[i:i + CHUNK], slows[i:i + CHUNK], freq='1min')
        final.append(np.asarray(pf.final_value()).reshape(-1))
        sharpe.append(np.asarray(pf.sharpe_ratio(year_freq='365.25 days')).reshape(-1))
        del pf
    final, sharpe = np.concatenate(final), np.concatenate(sharpe)
    return final, sharpe, int(np.nanargmax(sharpe))
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
faults = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def keep_up(job, fasts, slows, reply, untimed=0):
    # Ready after the JIT compile on the first pair and \`untimed\` whole jobs, then one timed job per 'run' line on stdin (its reply
    # built after the timing, with the job's user and system CPU seconds and minor page faults); the peak RSS at the end.
    t = time.perf_counter(); job(fasts[:1], slows[:1])
    for _ in range(untimed):
        job(fasts, slows)
    warm = time.perf_counter() - t
    print(json.dumps({'warmupSeconds': warm}), flush=True)
    for line in sys.stdin:
        if line.strip() != 'run':
            break
        c, f = os.times(), faults(); t = time.perf_counter(); out = job(fasts, slows); dt = time.perf_counter() - t; c2 = os.times()
        cpu = {'userSeconds': c2.user - c.user, 'systemSeconds': c2.system - c.system, 'minorFaults': faults() - f}
        print(json.dumps({'seconds': dt, **cpu, **reply(out)}), flush=True)
    print(json.dumps({'peakRssMiB': rss()}), flush=True)
if mode == 'serve':
    # One pair, after five untimed backtests as the engine gets (after the compile alone, its first two timed backtests
    # took 0.143-0.154 s and the next three 0.104-0.115 s in the fifty-second session's runs).
    keep_up(backtest, [int(sys.argv[3])], [int(sys.argv[4])], lambda v: {'final': float(v[0])}, untimed=4)
else:
    # Every pair of a JSON file: broadcast at once (opt), or ranked by Sharpe ratio (rank).
    pairs = json.loads(open(sys.argv[3]).read())
    fasts, slows = [p[0] for p in pairs], [p[1] for p in pairs]
    if mode == 'rank':
        keep_up(ranked, fasts, slows, lambda r: {'final': r[0].tolist(), 'sharpe': r[1].tolist(), 'best': r[2]})
    else:
        keep_up(backtest, fasts, slows, lambda v: {'final': v.tolist()})
`;

/** vectorbt kept up with one ma-cross pair compiled on a bar CSV and five untimed backtests (as the engine's): each `run()` times one more backtest of the whole file. */
export function openVectorbt(csv: string, fast: number, slow: number): Promise<PeerSession> {
  return openPeerSession('vbt_macross.py', SCRIPT, ['serve', csv, String(fast), String(slow)], VECTORBT!);
}

/** vectorbt kept up on a bar CSV, compiled: each `run()` times one broadcast backtest of every [fast, slow] pair given (`seconds`, `final` per pair). */
export function openVectorbtStudy(csv: string, pairs: ReadonlyArray<readonly [number, number]>): Promise<PeerSession> {
  return openPeerSession('vbt_macross.py', SCRIPT, ['opt', csv, JSON.stringify(pairs)], VECTORBT!);
}

/** vectorbt kept up on a bar CSV, compiled: each `run()` times a ranking of every [fast, slow] pair given by Sharpe ratio (`seconds`, `final` and `sharpe` per pair, `best`: the index of the highest). */
export function openVectorbtRanking(csv: string, pairs: ReadonlyArray<readonly [number, number]>): Promise<PeerSession> {
  return openPeerSession('vbt_macross.py', SCRIPT, ['rank', csv, JSON.stringify(pairs)], VECTORBT!);
}
