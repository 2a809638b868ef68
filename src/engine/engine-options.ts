import type { Instrument } from '../core/instrument.ts';
import type { EmulatedFeature } from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import type { BookKeeper } from './book-reader.ts';
import type { Clock, TimerEvent } from './clock.ts';
import type { EquityMarks } from './curve-derivation.ts';
import type { EquityCurve } from './equity-recorder.ts';
import type { ExecutionClient } from './execution-client.ts';
import type { KillPolicy } from './kill-switch.ts';
import type { Logger } from './logger.ts';
import type { PreTradeCheck } from './order-admission.ts';
import type { ResultSink } from './result-sink.ts';
import type { RiskEngine } from './risk-engine.ts';
import type { Strategy } from './strategy.ts';

/** A clock the engine can drive: simulated for replay, wall time live. */
export interface DrivableClock extends Clock {
  /** Moves time to `ts`, firing due timers through `onTimer` first. */
  advanceTo(ts: Micros, onTimer: (t: TimerEvent) => void): void;
}

export interface EngineOptions {
  /** Instruments of the run; their order defines instrument slots. */
  instruments: readonly Instrument[];
  /** Starting cash. */
  cash: number;
  strategy: Strategy;
  /** Where orders go (simulated venue or live adapter). */
  venue: ExecutionClient;
  clock: DrivableClock;
  logger: Logger;
  /** Checks every order must pass before reaching the venue. */
  checks?: readonly PreTradeCheck[];
  /** Prefix of client order ids (live sessions make it unique per session). */
  orderIdPrefix?: string;
  /** Market events expected, when known (sizes the equity curve once). */
  expectedEvents?: number;
  /** Pre-trade limits and loss limits (kill switch); shared by backtest, paper and live. */
  risk?: RiskEngine;
  /** L2 books kept from book deltas and shown to the strategy (tick/L2 runs). */
  books?: BookKeeper;
  /**
   * Equity-curve resolution in µs: one point per interval (the last value in it). 0 (the
   * default) records a point per distinct event time — right for bars, too dense for ticks.
   */
  equityIntervalMicros?: number;
  /**
   * Order features the engine emulates even though the venue could carry them (a
   * backtest configured like a live venue that lacks them, so both behave the same).
   */
  emulate?: readonly EmulatedFeature[];
  /** An order event the lifecycle does not allow: throw (default; a bug) or log and ask the venue (live). */
  onIllegalOrderEvent?: 'throw' | 'log';
  /** Order prices and quantities off the instrument's grid: rounded onto it (default) or refused. */
  offGrid?: 'round' | 'refuse';
  /** After the kill switch cancelled every open order: close the positions (default) or leave them. */
  onKill?: KillPolicy;
  /** Where a long run's series go while it runs (memory bounded); without one, they stay in memory. */
  sink?: ResultSink;
  /**
   * Keep every order, fill and round trip for the result (default). False: none is kept once
   * the engine is done with it, only each round trip's net P&L for the metrics — optimizer
   * trials whose objectives read only the core metrics, where keeping them cost a sixth of
   * a trial's time (the garbage collector copying them). Strategies cannot tell: they see
   * open orders only.
   */
  keepRecords?: boolean;
  /**
   * Columns to record the equity curve into instead of new ones, when the points are known
   * up front (see EquityColumnsPool); the result's curve is views of them.
   */
  equityStorage?: EquityCurve;
  /**
   * The bars this run replays (one instrument, one bar per point), with `equityStorage`: the
   * curve is derived from their closes and the portfolio's changes after the run instead of
   * revalued and written per bar (see CurveDerivation; the same points bit for bit). Ignored for
   * runs it does not fit (several instruments, equity intervals, a risk engine).
   */
  equityMarks?: EquityMarks;
}
