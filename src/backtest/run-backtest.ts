import { performance } from 'node:perf_hooks';
import { coreMetrics } from '../analytics/core-metrics.ts';
import { defineInstrument } from '../core/instrument.ts';
import { parseDateTime } from '../core/time.ts';
import type { BarBatch } from '../data/bar-batch.ts';
import { BarSource } from '../data/bar-source.ts';
import { BadRowHandler } from '../data/bad-rows.ts';
import { type BarStream } from '../data/read-bars.ts';
import { openBarsAuto } from '../data/open-bars-threaded.ts';
import { Engine } from '../engine/engine.ts';
import { runEventLoop } from '../engine/event-loop.ts';
import { MemoryLogger, type LogRecord } from '../engine/logger.ts';
import { SimClock } from '../engine/sim-clock.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import { BarBroker } from '../sim/bar-broker.ts';
import { RiskEngine } from '../engine/risk-engine.ts';
import { ConfigError } from '../core/errors.ts';
import type { EventSource } from '../engine/event-source.ts';
import type { ExecutionClient } from '../engine/execution-client.ts';
import type { L2BookKeeper } from '../book/book-keeper.ts';
import { isTickFeed, tickSetup, type ReaderThreads } from './tick-feeds.ts';
import { fillsDigest } from './fills-digest.ts';
import { loadStrategy, parseStrategyParams } from '../engine/load-strategy.ts';
import { feeModelOf, slippageModelOf } from './models-from-config.ts';
import { parseRunConfig, type RunConfigInput } from './run-config.ts';
import type { RunResult } from './run-result.ts';

export interface RunBacktestOptions {
  /** Run id (the CLI makes one from wall time; default `run`). */
  id?: string;
  /** A preloaded strategy definition (skips module loading). */
  strategy?: StrategyDefinition;
  /** Receives each log record as it is written. */
  onLog?: (r: LogRecord) => void;
  /**
   * In-memory bars, one array of batches per `config.data` entry, replayed instead of
   * reading the files (benchmarks, optimizers sharing one loaded dataset). Batches are
   * replayed as given (not validated again) and are not modified.
   */
  feeds?: ReadonlyArray<readonly BarBatch[]>;
  /**
   * Called before each batch after the first with the run so far; returning (a promise
   * of) true stops the run with a `RunStopped` error (optimizers prune trials this way).
   */
  checkpoint?: (progress: RunProgress) => boolean | Promise<boolean>;
  /** Skip the fills digest (optimizer trials, which compare metrics, not fills). */
  skipDigest?: boolean;
}

/** A run's state at a checkpoint. */
export interface RunProgress {
  /** Market events processed so far. */
  readonly events: number;
  /** Equity curve so far (copies). */
  readonly ts: Float64Array;
  readonly equity: Float64Array;
}

/** Thrown when a checkpoint asks the run to stop. */
export class RunStopped extends Error {
  constructor(readonly progress: RunProgress) {
    super(`run stopped at a checkpoint after ${progress.events} events`);
    this.name = 'RunStopped';
  }
}

/** Calls `hook` between batches of `src` (not before the first). */
function withCheckpoints<T>(src: AsyncIterable<T>, hook: () => Promise<void>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = src[Symbol.asyncIterator]();
      let first = true;
      return {
        async next() {
          if (!first) await hook();
          first = false;
          return it.next();
        },
      };
    },
  };
}

/** Wraps an async iterable, adding the time spent waiting for each item to `acc.seconds`. */
function timed<T>(src: AsyncIterable<T>, acc: { seconds: number }): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = src[Symbol.asyncIterator]();
      return {
        async next() {
          const t0 = performance.now();
          const r = await it.next();
          acc.seconds += (performance.now() - t0) / 1000;
          return r;
        },
      };
    },
  };
}

function memoryStream(file: string, batches: readonly BarBatch[]): BarStream {
  async function* gen(): AsyncGenerator<BarBatch> {
    for (const b of batches) yield b;
  }
  return { file, format: 'memory', batches: gen(), badRows: new BadRowHandler('error'), filtered: { count: 0 } };
}

/** Runs one backtest (bars or ticks) end to end and returns its result (nothing is written to disk). */
export async function runBacktest(input: RunConfigInput, opts: RunBacktestOptions = {}): Promise<RunResult> {
  const readers: ReaderThreads = {};
  try {
    return await run(input, opts, readers, performance.now());
  } finally {
    // A run that failed before or during the replay must not leave its reader thread alive
    // (set-up may still be opening it when the strategy fails to load).
    await readers.setup?.catch(() => {});
    readers.thread?.close();
  }
}

async function run(input: RunConfigInput, opts: RunBacktestOptions, readers: ReaderThreads, t0: number): Promise<RunResult> {
  const cfg = parseRunConfig(input);
  const instruments = cfg.data.map((f) => defineInstrument(f.instrument));
  const clock = new SimClock();
  const logger = new MemoryLogger(() => clock.now(), 'info', 10_000, opts.onLog);
  const load = { seconds: 0 };
  const tickFlags = opts.feeds ? cfg.data.map(() => false) : await Promise.all(cfg.data.map(isTickFeed));
  const ticks = tickFlags.some(Boolean);
  if (ticks && !tickFlags.every(Boolean)) throw new ConfigError('a run replays either bars or tick data, not both');
  let engineRef: Engine | null = null;
  const hook = opts.checkpoint;
  const check = hook
    ? async (): Promise<void> => {
      const c = engineRef!.equity.curve();
      const progress = { events: engineRef!.events, ts: c.ts.slice(), equity: c.equity.slice() };
      if (await hook(progress)) throw new RunStopped(progress);
    }
    : null;
  const wrap = <B>(batches: AsyncIterable<B>): AsyncIterable<B> => {
    const t = timed<B>(batches, load);
    return check ? withCheckpoints(t, check) : t;
  };
  let venue: ExecutionClient;
  let sources: (EventSource & { emitted: number })[];
  let feedInfo: () => RunResult['feeds'];
  let books: L2BookKeeper | undefined;
  // Tick readers start before the strategy module loads, so their threads' start-up overlaps it.
  const tickReady = ticks ? tickSetup(cfg, instruments, clock, wrap, readers) : null;
  readers.setup = tickReady ?? undefined;
  tickReady?.catch(() => {}); // awaited below (and by runBacktest on failure): never an unhandled rejection
  const def = opts.strategy ?? (await loadStrategy(cfg.strategy));
  const params = parseStrategyParams(def, cfg.params);
  if (tickReady) {
    const setup = await tickReady;
    venue = setup.venue;
    books = setup.books;
    sources = setup.sources as (EventSource & { emitted: number })[];
    feedInfo = () => cfg.data.map((f, i) => ({
      file: f.file, format: 'ticks', instrumentId: instruments[i].id,
      bars: setup.perFeed[i].reduce((n, src) => n + (src as unknown as { emitted: number }).emitted, 0),
      badRows: { skipped: books!.dropped, examples: [] }, outsideWindow: 0,
    }));
  } else {
    venue = new BarBroker({
      instruments, fillTiming: cfg.fillTiming, fees: feeModelOf(cfg.commission), slippage: slippageModelOf(cfg.slippage),
      maxVolumeShare: cfg.maxVolumeShare, checkCash: cfg.checkCash, checkSubmit: cfg.checkSubmit, reversal: cfg.reversal,
      shortMargin: cfg.shortMargin,
    });
    const window = {
      ...(cfg.from !== undefined ? { from: parseDateTime(cfg.from) } : {}),
      ...(cfg.to !== undefined ? { to: parseDateTime(cfg.to) } : {}),
    };
    const streams = opts.feeds
      ? cfg.data.map((f, i) => memoryStream(f.file, opts.feeds![i] ?? []))
      : await Promise.all(cfg.data.map((f) => openBarsAuto(f.file, { onBadRow: cfg.onBadRow, ...window })));
    const barSources = streams.map((st, i) => new BarSource(st.file, wrap(st.batches), instruments[i], i));
    sources = barSources;
    feedInfo = () => streams.map((st, i) => ({
      file: st.file, format: st.format, instrumentId: instruments[i].id, bars: barSources[i].emitted,
      badRows: st.badRows.report, outsideWindow: st.filtered.count,
    }));
  }
  const expectedEvents = opts.feeds ? opts.feeds.reduce((n, f) => n + f.reduce((t, b) => t + b.length, 0), 0) : 0;
  const engine = new Engine({
    instruments, cash: cfg.cash, strategy: def.create(params), venue, clock, logger, expectedEvents, emulate: cfg.emulate,
    ...(books ? { books } : {}),
    ...(cfg.risk ? { risk: new RiskEngine(cfg.risk) } : {}),
    ...(cfg.equityIntervalMicros !== undefined ? { equityIntervalMicros: cfg.equityIntervalMicros } : ticks ? { equityIntervalMicros: 1_000_000 } : {}),
  });
  engineRef = engine;
  cfg.data.forEach((f, i) => { if (f.position && f.position.qty !== 0) engine.portfolio.adopt(i, f.position.qty, f.position.avgPrice, engine.portfolio.cash); });
  const tRun = performance.now();
  engine.start();
  const events = await runEventLoop(sources, engine);
  engine.stop();
  const tEnd = performance.now();
  const loop = (tEnd - tRun) / 1000;
  const curve = engine.equity.curve();
  const trades = engine.portfolio.trades.closed;
  const metrics = coreMetrics({
    ts: curve.ts, equity: curve.equity, grossExposure: curve.exposure, tradeNetPnls: trades.map((t) => t.netPnl),
    ...(cfg.periodsPerYear !== undefined ? { periodsPerYear: cfg.periodsPerYear } : {}),
  });
  const digest = opts.skipDigest ? '' : fillsDigest(engine.fills);
  const total = (performance.now() - t0) / 1000;
  const byId = new Map(instruments.map((i) => [i.id, i]));
  return {
    schema: 'lockstep.run/1',
    id: opts.id ?? 'run',
    config: cfg,
    seed: cfg.seed,
    strategy: { name: def.name, params },
    instruments,
    initialCash: cfg.cash,
    finalValue: engine.portfolio.equity(),
    cash: engine.portfolio.cash,
    fees: engine.portfolio.fees,
    metrics,
    orders: engine.orders,
    fills: engine.fills,
    trades,
    openTrades: engine.portfolio.trades.openTrips((id) => byId.get(id)?.multiplier ?? 1),
    positions: engine.portfolio.views(),
    equity: curve,
    events,
    timing: { loadSeconds: load.seconds, runSeconds: Math.max(0, loop - load.seconds), totalSeconds: total },
    feeds: feedInfo(),
    fillsDigest: digest,
    killSwitch: engine.killReason,
    logs: logger.records,
  };
}
