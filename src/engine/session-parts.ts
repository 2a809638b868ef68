import type { Instrument } from '../core/instrument.ts';
import type { Micros } from '../core/time.ts';
import type { BookKeeper } from './book-reader.ts';
import type { Engine } from './engine.ts';
import type { DrivableClock } from './engine-options.ts';
import type { ExecutionClient } from './execution-client.ts';

/** Per-feed input summary of a session. */
export interface FeedSummary {
  readonly file: string;
  readonly format: string;
  readonly instrumentId: string;
  /** Market events replayed or received (bars for bar files). */
  readonly bars: number;
  /** Rows skipped under `--on-bad-row skip`. */
  readonly badRows: { readonly skipped: number; readonly examples: readonly string[] };
  /** Rows outside the from/to window. */
  readonly outsideWindow: number;
  /** Time of the first and last valid row read (µs; NaN when none or not known): what an empty window is told. */
  readonly dataFirst?: number;
  readonly dataLast?: number;
}

/** A running paper/live session's feed figures (the status line). */
export interface FeedStatus {
  readonly uptimeSeconds: number;
  /** Market events received so far. */
  readonly events: number;
  /** Wall time since the last market event (ms). */
  readonly feedLagMillis: number;
  /** The latest decision's book update → orders handed to the venue (µs; NaN before the first). */
  readonly lastTickToTradeMicros: number;
}

/**
 * What a mode supplies to the one session builder (session/run-session.ts): where time
 * comes from, where orders go and what drives market events. Backtests supply a simulated
 * clock, a simulated venue and the replay of data files; paper and live sessions the wall
 * clock, the simulated venue or the exchange, and the exchange's streams. Everything
 * else — engine, risk, kill switch, order rules, logging, the result — is built once, the
 * same way for every mode.
 */
export interface SessionParts {
  readonly clock: DrivableClock;
  /** What stamps log lines (default the clock's time; paper sessions, whose clock follows the events, stamp wall time). */
  readonly logTime?: () => Micros;
  /** The session's instruments, resolved (tick and lot from the venue or the data). */
  readonly instruments: readonly Instrument[];
  readonly venue: ExecutionClient;
  /** L2 books shown to the strategy (tick data and live sessions). */
  readonly books?: BookKeeper;
  /** Market events expected, when known (sizes the equity curve once). */
  readonly expectedEvents?: number;
  /** Equity-curve resolution this mode uses when the config sets none (µs; 0 = every event). */
  readonly equityIntervalMicros: number;
  /** Client order id prefix (live sessions make it unique per session). */
  readonly orderIdPrefix?: string;
  /** An order event the lifecycle refuses: a bug to throw in replays; logged and reconciled live. */
  readonly onIllegalOrderEvent: 'throw' | 'log';
  /** Before the strategy starts: adopt the venue's state (live), starting positions (backtests). */
  prepare(engine: Engine): Promise<void>;
  /**
   * After the strategy started, before the first event: replays up to `bars` bars of
   * history per instrument through `engine.warmUp` (live: fetched from the venue; backtests:
   * the data before `from`). Resolves with how many were replayed per instrument (the
   * fewest), or null when the session starts where its data starts (nothing comes before).
   */
  warmUp?(engine: Engine, bars: number): Promise<number | null>;
  /** Feeds market events into the engine until the session ends; resolves with how many. */
  drive(engine: Engine): Promise<number>;
  /** After the strategy stopped: requests still travelling arrive, open orders are cancelled (live). */
  finish(engine: Engine): Promise<void>;
  /** Releases threads and sockets; called whether the session succeeded or failed. */
  close(): Promise<void>;
  /** What each feed delivered. */
  feeds(): readonly FeedSummary[];
  /** Seconds spent waiting for market data (backtests: reading files). */
  loadSeconds(): number;
  /** Paper/live: the feed's figures while the session runs. */
  feedStatus?(): FeedStatus | null;
}
