import { backtestParts, type RunProgress } from '../backtest/backtest-parts.ts';
import type { RunResult } from '../backtest/run-result.ts';
import type { ReaderThreads } from '../backtest/tick-feeds.ts';
import { releaseReaderThread } from '../data/tick-files-threaded.ts';
import { parseBacktestConfig, type SessionConfigInput } from '../config/session-config.ts';
import type { BarBatch } from '../data/bar-batch.ts';
import { loadStrategy, parseStrategyParams } from '../engine/load-strategy.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import { runSession, sessionLog, type SessionHooks } from './run-session.ts';
import { loadSleeves, portfolioRun, type LoadedSleeve, type PortfolioRun } from './portfolio-run.ts';

export { RunStopped, type RunProgress } from '../backtest/backtest-parts.ts';

export interface RunBacktestOptions extends SessionHooks {
  /** A preloaded strategy definition (skips module loading). */
  strategy?: StrategyDefinition;
  /**
   * In-memory bars, one array of batches per `config.data` entry, replayed instead of
   * reading the files (benchmarks, optimizers sharing one loaded dataset). Batches are
   * replayed as given (not validated again) and are not modified.
   */
  feeds?: ReadonlyArray<readonly BarBatch[]>;
  /** The clock's time before the first event, what the strategy's onStart reads (µs; default 1 µs before the first event; a session's replay: when the session started). */
  clockStart?: number;
  /**
   * Called before each batch after the first with the run so far; returning (a promise
   * of) true stops the run with a `RunStopped` error (optimizers prune trials this way).
   */
  checkpoint?: (progress: RunProgress) => boolean | Promise<boolean>;
}

/** Runs one backtest (bars or ticks) end to end through the session builder; nothing is written to disk. */
export async function runBacktest(input: SessionConfigInput, opts: RunBacktestOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const cfg = parseBacktestConfig(input);
  const readers: ReaderThreads = {};
  try {
    // Data readers (and their threads) start before the strategy module loads, so the two overlap.
    const parts = backtestParts(cfg, {
      ...(opts.feeds ? { feeds: opts.feeds } : {}), ...(opts.checkpoint ? { checkpoint: opts.checkpoint } : {}), ...(opts.clockStart !== undefined ? { clockStart: opts.clockStart } : {}),
    }, readers);
    parts.catch(() => {}); // awaited below: never an unhandled rejection
    let def: StrategyDefinition | null = null;
    let params: Readonly<Record<string, unknown>> = {};
    let sleeves: LoadedSleeve[] = [];
    try {
      if (cfg.portfolio) sleeves = await loadSleeves(cfg.portfolio.sleeves);
      else {
        def = opts.strategy ?? (await loadStrategy(cfg.strategy));
        params = parseStrategyParams(def, cfg.params);
      }
    } catch (e) {
      // The readers started already: their open files are closed here (runSession closes them otherwise).
      await parts.then((p) => p.close(), () => undefined);
      throw e;
    }
    const ready = await parts;
    if (def !== null) return await runSession(cfg, def, params, ready, sessionLog(cfg, opts), opts, t0);
    let book: PortfolioRun;
    try {
      book = portfolioRun(cfg, sleeves, ready.instruments);
    } catch (e) {
      await ready.close();
      throw e;
    }
    const r = await runSession(cfg, book.def, {}, ready, sessionLog(cfg, opts), opts, t0);
    return Object.defineProperty(r, 'portfolio', { value: book.result(r), enumerable: true });
  } finally {
    // Idle, the thread is kept for the next run; a run that failed with streams still open stops it.
    if (readers.thread !== undefined) releaseReaderThread(readers.thread);
  }
}
