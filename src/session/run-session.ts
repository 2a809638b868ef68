import { coreMetricsOfBlocks, type CoreMetrics } from '../analytics/core-metrics.ts';
import { fillsDigest } from '../backtest/fills-digest.ts';
import { readEquityBlocks, ResultFiles } from '../backtest/result-files.ts';
import { builtOnRead } from '../core/built-on-read.ts';
import { listBuiltOnRead, markSpilled, type RunResult } from '../backtest/run-result.ts';
import type { SessionConfig } from '../config/session-config.ts';
import { Engine, type OrderListener } from '../engine/engine.ts';
import type { EquityMarks } from '../engine/curve-derivation.ts';
import type { EquityCurve } from '../engine/equity-recorder.ts';
import { MemoryLogger, type LogRecord } from '../engine/logger.ts';
import { RiskEngine } from '../engine/risk-engine.ts';
import type { Micros } from '../core/time.ts';
import type { FeedStatus, SessionParts } from '../engine/session-parts.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import { asStrategyError } from '../engine/strategy-error.ts';
import { holdLatest } from '../core/hold-latest.ts';

/** What a caller may hang on a session besides its config. */
export interface SessionHooks {
  /** Run id (the CLI makes one from wall time; default `run`). */
  id?: string;
  /** Receives each log record as it is written. */
  onLog?: (r: LogRecord) => void;
  /** Hear every order event and fill (journals, recorders, tests). */
  listeners?: readonly OrderListener[];
  /** Called with the engine once it is built, before anything runs (live: signals, status). */
  onEngine?: (engine: Engine) => void;
  /** Called once the parts are prepared (live: account adopted), right before the engine starts; paper/live pass their feed figures. */
  onStart?: (engine: Engine, feed?: () => FeedStatus | null) => void;
  /**
   * False: the engine keeps no order, fill or round-trip records (EngineOptions.keepRecords):
   * the result's orders, fills and trades are empty, its metrics count every round trip, and
   * there is no fills digest. For optimizer trials whose objectives read only the metrics.
   */
  keepRecords?: boolean;
  /**
   * Columns the equity curve is recorded into (EngineOptions.equityStorage): the result's
   * curve is views of them, valid until their owner hands them to another run.
   */
  equityStorage?: EquityCurve;
  /** The replayed bars, from which the curve is derived after the run (EngineOptions.equityMarks). */
  equityMarks?: EquityMarks;
  /**
   * A folder for the run's series: once a series outgrows a block (SPILL_ROWS), they all
   * go there as Parquet while the run goes, so memory stays bounded (the result's `spilled`).
   */
  resultDir?: string;
}

/**
 * The one session builder: the same engine, risk engine, kill switch, order rules and
 * logging for a backtest, a paper session and a live one, wired to the mode's parts
 * (clock, venue, market data); runs it and returns the result, which has the same shape in
 * every mode. The parts are closed whatever happens.
 */
export async function runSession(cfg: SessionConfig, def: StrategyDefinition, params: Readonly<Record<string, unknown>>, parts: SessionParts, log: SessionLog, hooks: SessionHooks = {}, t0 = performance.now()): Promise<RunResult> {
  const files = hooks.resultDir !== undefined ? new ResultFiles(hooks.resultDir) : null;
  try {
    log.useClock(parts.logTime ?? (() => parts.clock.now()));
    const logger = log.logger;
    const engine = buildEngine(cfg, def, params, parts, logger, files, hooks);
    holdLatest('session', { engine, parts }); // the next run in this process reuses this one's compiled code (see hold-latest)
    return await runEngine(cfg, def, params, parts, engine, logger, hooks, t0, files);
  } catch (e) {
    files?.abort();
    throw asStrategyError(e, def.name, parts.clock.now()); // a strategy's exception names it, the callback and the time
  } finally {
    await parts.close();
  }
}

/** Prepares the parts, runs the engine over the mode's events (warm-up first) and builds the result. */
async function runEngine(cfg: SessionConfig, def: StrategyDefinition, params: Readonly<Record<string, unknown>>, parts: SessionParts, engine: Engine, logger: MemoryLogger,
  hooks: SessionHooks, t0: number, files: ResultFiles | null): Promise<RunResult> {
  for (const l of hooks.listeners ?? []) engine.listen(l);
  hooks.onEngine?.(engine);
  await parts.prepare(engine);
  hooks.onStart?.(engine, parts.feedStatus ? () => parts.feedStatus!() : undefined);
  const tRun = performance.now();
  engine.start();
  const history = def.history?.(params as never)?.bars ?? 0;
  if (history > 0) {
    const replayed = parts.warmUp ? await parts.warmUp(engine, history) : null;
    if (replayed !== null && replayed < history) logger.warn('warm-up short of the history the strategy asks for', { asked: history, replayed, mode: cfg.mode });
  }
  const events = await parts.drive(engine);
  engine.stop();
  await parts.finish(engine);
  const loop = (performance.now() - tRun) / 1000;
  return result(cfg, def, params, parts, engine, logger, events, {
    id: hooks.id ?? 'run', digest: hooks.keepRecords !== false, loopSeconds: loop, totalSeconds: (performance.now() - t0) / 1000,
  }, files);
}

/** A session's logger, made before its clock exists (parts log while they are built); stamped with the clock once known. */
export interface SessionLog {
  readonly logger: MemoryLogger;
  useClock(now: () => Micros): void;
}

export function sessionLog(cfg: SessionConfig, hooks: SessionHooks): SessionLog {
  let now: (() => Micros) | null = null;
  return {
    logger: new MemoryLogger(() => (now === null ? 0 : now()), cfg.logLevel, 10_000, hooks.onLog),
    useClock: (c) => { now = c; },
  };
}

function buildEngine(cfg: SessionConfig, def: StrategyDefinition, params: Readonly<Record<string, unknown>>, parts: SessionParts, logger: MemoryLogger, files: ResultFiles | null, hooks: SessionHooks): Engine {
  return new Engine({
    instruments: parts.instruments, cash: cfg.cash, strategy: def.create(params as never), venue: parts.venue, clock: parts.clock, logger,
    expectedEvents: parts.expectedEvents ?? 0, emulate: cfg.emulate, onIllegalOrderEvent: parts.onIllegalOrderEvent, onKill: cfg.onKill, offGrid: cfg.offGrid,
    equityIntervalMicros: cfg.equityIntervalMicros ?? parts.equityIntervalMicros,
    ...(parts.orderIdPrefix ? { orderIdPrefix: parts.orderIdPrefix } : {}),
    ...(parts.books ? { books: parts.books } : {}),
    ...(cfg.risk ? { risk: new RiskEngine(cfg.risk) } : {}),
    ...(files ? { sink: files } : {}),
    ...(hooks.keepRecords === false ? { keepRecords: false } : {}),
    ...(hooks.equityStorage ? { equityStorage: hooks.equityStorage } : {}),
    ...(hooks.equityMarks ? { equityMarks: hooks.equityMarks } : {}),
  });
}

interface ResultFacts {
  id: string;
  digest: boolean;
  loopSeconds: number;
  totalSeconds: number;
}

function result(cfg: SessionConfig, def: StrategyDefinition, params: Readonly<Record<string, unknown>>, parts: SessionParts, engine: Engine, logger: MemoryLogger, events: number, f: ResultFacts,
  files: ResultFiles | null): RunResult {
  const spilled = files !== null && engine.spillRest();
  const series = spilled ? spilledSeries(cfg, files) : inMemorySeries(cfg, engine);
  const byId = new Map(parts.instruments.map((i) => [i.id, i]));
  const load = parts.loadSeconds();
  const r: RunResult = {
    schema: 'lockstep.run/1', id: f.id, config: cfg, seed: cfg.seed, strategy: { name: def.name, params }, instruments: parts.instruments,
    initialCash: engine.portfolio.initialCash, finalValue: engine.portfolio.equity(), cash: engine.portfolio.cash, fees: engine.portfolio.fees,
    slippage: parts.venue.slippagePaid?.() ?? Number.NaN,
    ...series,
    openTrades: engine.portfolio.trades.openTrips((id) => byId.get(id)?.multiplier ?? 1),
    positions: engine.portfolio.views(), events,
    timing: { loadSeconds: load, runSeconds: Math.max(0, f.loopSeconds - load), totalSeconds: f.totalSeconds },
    feeds: parts.feeds(), killSwitch: engine.killReport(),
    rejections: engine.rejections(), offGrid: engine.offGrid(), logs: logger.records,
    spilled: spilled ? { dir: files.dir, counts: { ...files.counts }, firstTs: files.firstTs, lastTs: files.lastTs } : null,
    span: spilled ? { first: files.firstTs, last: files.lastTs } : engine.equity.span(),
    portfolio: null,
  };
  if (spilled) return markSpilled(r, files.dir);
  const { fillLog, orderLog } = engine;
  const trips = engine.portfolio.trades.closed;
  // The digest too, when first read: a run printed as a summary never hashes its fills (nor loads node:crypto).
  if (f.digest) builtOnRead(r, 'fillsDigest', () => fillsDigest(fillLog));
  listBuiltOnRead(r, 'trades', trips.length, () => trips.toArray());
  listBuiltOnRead(r, 'orders', orderLog.length, () => orderLog.toArray());
  return listBuiltOnRead(r, 'fills', fillLog.length, () => fillLog.toArray());
}

type Series = Pick<RunResult, 'metrics' | 'orders' | 'fills' | 'trades' | 'equity' | 'fillsDigest'>;

function inMemorySeries(cfg: SessionConfig, engine: Engine): Series {
  // The span and the curve's blocks, not its columns: those are written out only when someone reads them.
  const { first, last } = engine.equity.span();
  // Each stretch is read before the next is taken (the blocks share their buffers).
  function* blocks() {
    for (const b of engine.equity.blocks()) yield { firstTs: first, lastTs: last, equity: b.equity, grossExposure: b.exposure, n: b.n };
  }
  const metrics = coreMetricsOfBlocks(blocks, engine.portfolio.trades.netPnls(), cfg.periodsPerYear);
  const curve = engine.equity.curve();
  // `orders`, `fills`, `trades` and the fills digest are built from the engine's logs when first read (in `result`).
  return { metrics, orders: [], fills: [], trades: [], equity: curve, fillsDigest: '' };
}

/**
 * The series went to `files` as the run went: the metrics come from the saved curve, two
 * passes over its row groups (the series fields are replaced by markSpilled).
 */
function spilledSeries(cfg: SessionConfig, files: ResultFiles): Series {
  files.close();
  const metrics: CoreMetrics = coreMetricsOfBlocks(() => readEquityBlocks(files.file('equity')), files.tradeNetPnls, cfg.periodsPerYear);
  const none = new Float64Array(0);
  return { metrics, fillsDigest: files.fillsDigest(), orders: [], fills: [], trades: [], equity: { ts: none, equity: none, cash: none, exposure: none } };
}
