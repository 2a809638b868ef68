import { z } from '../core/zod.ts';
import { ConfigError } from '../core/errors.ts';
import { formatIssues } from '../core/format-issues.ts';
import { InstrumentSchema } from '../core/instrument.ts';
import { parseDateTime } from '../core/time.ts';

/**
 * The one configuration of a Lockstep session — a backtest, a paper session or a live one.
 * One strict schema (unknown keys are errors, every default resolved here, frozen after
 * parsing); the modes differ only in where market data comes from (`data` files, or a
 * `venue`'s streams) and where orders go (a simulated venue, or the real one). A recorded
 * session stores its resolved config, and its replay runs exactly that.
 */
export { formatIssues };

/** The strategy name of a run with `portfolio.sleeves`. */
export const PORTFOLIO = 'portfolio';

const dateText = z.string().refine((s) => !Number.isNaN(parseDateTime(s)), {
  message: 'expected a date like 2006-01-31 or 2006-01-31T12:00:00Z',
});

const CommissionSchema = z.lazy(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** Fraction of notional: 0.001 = 0.1%. */
  z.strictObject({ type: z.literal('rate'), rate: z.number().nonnegative().lt(1, 'a rate is a fraction of the trade value (0.001 = 0.1%); 1 or more would be 100%+') }),
  /** Fixed amount per contract. */
  z.strictObject({ type: z.literal('per-contract'), perContract: z.number().nonnegative() }),
  /** Maker/taker rates on notional (maker may be negative: a rebate). */
  z.strictObject({ type: z.literal('maker-taker'), maker: z.number().gt(-1).lt(1), taker: z.number().nonnegative().lt(1, 'a rate is a fraction of the trade value (0.001 = 0.1%)') }),
  /** Each instrument's own maker/taker fees. */
  z.strictObject({ type: z.literal('instrument') }),
]));

const SlippageSchema = z.lazy(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bps'), bps: z.number().nonnegative() }),
  z.strictObject({ type: z.literal('ticks'), ticks: z.number().nonnegative() }),
  z.strictObject({ type: z.literal('volume-share'), coefficient: z.number().nonnegative() }),
]));

/**
 * An instrument as a feed declares it. Fields left out come from the spec stored with the
 * data (`instrument.json`), else their defaults — but the tick from the prices' precision.
 */
const FeedInstrumentSchema = z.strictObject({
  symbol: z.string().min(1),
  venue: z.string().min(1).optional(),
  /** Minimum price increment; when absent: the data's spec, else inferred from the prices. */
  tickSize: z.number().positive().optional(),
  lotSize: z.number().positive().optional(),
  multiplier: z.number().positive().optional(),
  margin: z.number().nonnegative().optional(),
  makerFee: z.number().optional(),
  takerFee: z.number().optional(),
  minNotional: z.number().nonnegative().optional(),
});

const FeedSchema = z.strictObject({
  /** Bar file (CSV, Parquet, Arrow IPC), or tick data: a folder or file of normalized trades/quotes/deltas Parquet. */
  file: z.string().min(1),
  /** bars or ticks; detected from the path when absent (folders — but a NautilusTrader catalog's data/bar/TYPE — and trades-/quotes-/deltas- files are ticks). */
  kind: z.enum(['bars', 'ticks']).optional(),
  /** Instrument traded from this feed. */
  instrument: FeedInstrumentSchema,
  /** Position held at the start (e.g. a live session's reconciled inventory); default flat. */
  position: z.strictObject({ qty: z.number(), avgPrice: z.number().positive() }).optional(),
  /** Tick runs: order latency of this feed's venue (µs), overriding the run's `latency`. */
  latency: z.strictObject({ entryMicros: z.number().nonnegative(), responseMicros: z.number().nonnegative() }).optional(),
});

/** Paper and live sessions: the exchange and market, through ccxt. */
const VenueSchema = z.strictObject({
  /** ccxt exchange id, e.g. `binance`. */
  exchange: z.string().min(1),
  /** Unified symbol, e.g. `BTC/USDT`. */
  symbol: z.string().min(1),
  /** Base URL overriding ccxt's (a loopback exchange, `lockstep venue serve`). */
  url: z.string().url().optional(),
  /** Use the exchange's sandbox/testnet (ccxt setSandboxMode). */
  sandbox: z.boolean().default(false),
  /** Also stream the best bid/ask (strategy onQuote). */
  quotes: z.boolean().default(false),
  /** Also stream closed bars of this ccxt timeframe (strategy onBar), e.g. `1m`. */
  bars: z.string().min(1).optional(),
  /** Order book depth requested. */
  depth: z.number().int().positive().optional(),
  /** Instrument fields that replace the venue's (only with `overrideInstrument`). */
  instrument: FeedInstrumentSchema.omit({ symbol: true, venue: true }).optional(),
  /** Let `instrument` contradict the venue's market info (tick, lot, fees). */
  overrideInstrument: z.boolean().default(false),
});

const RiskSchema = z.strictObject({
  maxPosition: z.number().positive().optional(),
  maxNotional: z.number().positive().optional(),
  maxOrderQty: z.number().positive().optional(),
  priceBandBps: z.number().positive().optional(),
  maxOpenOrders: z.number().int().positive().optional(),
  maxOrdersPerSecond: z.number().int().positive().optional(),
  maxDailyLoss: z.number().positive().optional(),
  maxDrawdown: z.number().positive().max(1).optional(),
});

/** What a paper or live session's limits are when the config leaves them out (a backtest's `session`, unparsed). */
const SESSION_DEFAULTS = { staleMillis: 5000, maxOutageSeconds: 30, keepOrders: false, statusEverySeconds: 10 } as const;

/** Paper and live sessions: how long, what to record, when to stop. */
const LiveSessionSchema = z.lazy(() => z.strictObject({
  /** Stop after this many seconds … */
  maxSeconds: z.number().positive().optional(),
  /** … or after this many market events. */
  maxEvents: z.number().int().positive().optional(),
  /** No market data for this long (ms) cancels open orders and pauses trading until data flows. */
  staleMillis: z.number().positive().default(SESSION_DEFAULTS.staleMillis),
  /** An outage this long (no market data, or the venue not answering while orders are open) trips the kill switch. */
  maxOutageSeconds: z.number().positive().default(SESSION_DEFAULTS.maxOutageSeconds),
  /** Live: leave open orders at the exchange when the session ends. */
  keepOrders: z.boolean().default(SESSION_DEFAULTS.keepOrders),
  /** Session folder (default reports/<mode>-<time>); false: paper sessions only, nothing recorded. */
  record: z.union([z.string().min(1), z.literal(false)]).optional(),
  /** Seconds between status lines (0: none). */
  statusEverySeconds: z.number().nonnegative().default(SESSION_DEFAULTS.statusEverySeconds),
}));

/** One strategy of a portfolio backtest: its instruments and its share of the account's cash. */
const SleeveSchema = z.strictObject({
  /** Unique name (results, timers, the report). */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and dash'),
  /** Strategy folder name under strategies/ or a path to its module. */
  strategy: z.string().min(1),
  /** Raw strategy parameters (validated by the strategy's own schema). */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Symbols (or instrument ids) of data feeds this strategy trades; each feed belongs to one sleeve. */
  instruments: z.array(z.string().min(1)).min(1),
  /** Share of the starting cash given to the sleeve (its capital); the weights sum to at most 1, the rest stays unallocated. */
  weight: z.number().positive().max(1),
});

/** Several strategies on one account (`backtest` with bar data). */
const PortfolioSchema = z.strictObject({
  sleeves: z.array(SleeveSchema).min(1),
  /** Bring sleeve capital back to the weights at the start of each period (cash moves between sleeves; nothing is traded). */
  rebalance: z.enum(['none', 'monthly', 'quarterly', 'yearly']).default('none'),
}).superRefine((p, ctx) => {
  const sum = p.sleeves.reduce((a, s) => a + s.weight, 0);
  if (sum > 1 + 1e-9) ctx.addIssue({ code: 'custom', path: ['sleeves'], message: `the weights sum to ${Number(sum.toFixed(9))}: they are shares of the starting cash, at most 1 in total` });
  const names = p.sleeves.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) ctx.addIssue({ code: 'custom', path: ['sleeves'], message: `two sleeves are named ${twice}: names must be unique` });
});

const SessionModeSchema = z.enum(['backtest', 'paper', 'live']);
export type SessionMode = z.output<typeof SessionModeSchema>;

/**
 * A session, fully resolved: every default is filled in here. The defaulted sections a plain
 * backtest leaves out (session, latency, commission, slippage) are z.lazy, their defaults
 * written out: their schemas are built the first time a config has them. A zod schema takes
 * ~20–40 µs to build, and the session config's were ~12 ms of every `lockstep backtest` (349
 * of its 404 schemas; 95 fewer now). An optional section cannot wait so: zod's optional reads
 * its inner schema to parse an absent value, and that builds it.
 */
export const SessionConfigSchema = z.strictObject({
  /** backtest (data files), paper (live market, simulated fills) or live (real orders). */
  mode: SessionModeSchema.default('backtest'),
  /** Strategy folder name under strategies/ or a path to its module (`portfolio` when the run has sleeves). */
  strategy: z.string().min(1).default(PORTFOLIO),
  /** Raw strategy parameters (validated by the strategy's own schema). */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Backtests: several strategies on one account, each with its instruments and weight (instead of `strategy`). */
  portfolio: PortfolioSchema.optional(),
  /** Backtests: one feed per instrument. */
  data: z.array(FeedSchema).min(1).optional(),
  /** Paper/live: the exchange and symbol. */
  venue: VenueSchema.optional(),
  /** Starting cash (backtests and paper; live takes the exchange's balances). */
  cash: z.number().nonnegative().finite().default(10_000),
  commission: CommissionSchema.default(() => ({ type: 'none' as const })),
  slippage: SlippageSchema.default(() => ({ type: 'none' as const })),
  /** Market orders at the next bar's open (default) or the signal bar's close. */
  fillTiming: z.enum(['next-open', 'close']).default('next-open'),
  /** Max share of a bar's volume filled per bar (0 = no limit). */
  maxVolumeShare: z.number().min(0).max(1).default(0),
  /** Refuse fills whose opening leg the cash cannot pay for (closing is never refused). */
  checkCash: z.boolean().default(true),
  /** Also check orders at submission, as backtrader's default `checksubmit` (bar runs). */
  checkSubmit: z.boolean().default(false),
  /** A fill whose opening leg cannot be paid: execute the closing leg and refuse the rest (backtrader), or refuse it all (bar runs). */
  reversal: z.enum(['close-then-refuse', 'all-or-nothing']).default('close-then-refuse'),
  /**
   * Cash-settled shorts: cash after a short-opening fill, the sale's proceeds included, must be at
   * least this multiple of the short's notional. 0: backtrader's rule (proceeds are cash); 1.5: Reg T's 150%.
   */
  shortMargin: z.number().nonnegative().default(0),
  /** Inclusive window on bar timestamps. */
  from: dateText.optional(),
  to: dateText.optional(),
  /** Bad rows: stop with an error, or skip and count them. */
  onBadRow: z.enum(['error', 'skip']).default('error'),
  /** Seed for every random model (recorded in the result). */
  seed: z.number().int().nonnegative().default(1),
  /** Annualization override for metrics (default: observed bars per year). */
  periodsPerYear: z.number().positive().optional(),
  /**
   * Bars whose closes, bought and held, are the benchmark of the report's alpha, beta,
   * tracking error, information ratio, up/down capture and equity overlay: a bars file, a
   * catalog bars stream's folder or `VENUE/SYMBOL[/TIMEFRAME]`, or the symbol of one of the
   * run's feeds (default: the first data file: buy-and-hold of the traded instrument).
   */
  benchmark: z.string().min(1).optional(),
  /** Tick runs: order entry and response latency (µs), fixed or interpolated from a recorded file. */
  latency: z.lazy(() => z.union([
    z.strictObject({ entryMicros: z.number().nonnegative(), responseMicros: z.number().nonnegative() }),
    z.strictObject({ file: z.string().min(1) }),
  ])).default(() => ({ entryMicros: 0, responseMicros: 0 })),
  /** Tick runs: how resting orders advance in their queue. */
  queue: z.enum(['risk-averse', 'probabilistic']).default('risk-averse'),
  /** Exponent n of the probabilistic queue's ahead^n / (ahead^n + behind^n). */
  queuePower: z.number().positive().default(3),
  /** Tick runs: a crossed or locked book stops the run (error), is ignored, or waits for the next snapshot. */
  onCrossedBook: z.enum(['error', 'ignore', 'resnapshot']).default('error'),
  /** Risk limits checked before every order; loss limits trip the kill switch. Same in every mode. */
  risk: RiskSchema.optional(),
  /** What the kill switch does after cancelling every open order: nothing more, or close the positions at market. */
  onKill: z.enum(['cancel', 'flatten']).default('flatten'),
  /**
   * Order prices and quantities off the instrument's grid: rounded (buy limits down, sell
   * limits up, stop triggers away from the market, quantities down to the lot) or refused.
   */
  offGrid: z.enum(['round', 'refuse']).default('round'),
  /**
   * Order features the engine emulates although the simulated venue could carry them, so a
   * backtest behaves like a live venue that lacks them (Binance spot: stop, DAY, reduce-only).
   */
  emulate: z.array(z.enum(['stop', 'stop-limit', 'DAY', 'reduce-only'])).default([]),
  /** Equity-curve resolution in µs (default: every bar; 1 s for tick runs and live sessions). */
  equityIntervalMicros: z.number().nonnegative().optional(),
  /** Paper/live session limits and recording. */
  session: LiveSessionSchema.default(() => ({ ...SESSION_DEFAULTS })),
  /** Log records below this level are dropped. */
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
}).superRefine((c, ctx) => {
  // One file may hold both a backtest's data and a session's venue: the mode picks which is used.
  if (c.mode === 'backtest' && !c.data) ctx.addIssue({ code: 'custom', path: ['data'], message: 'a backtest needs data: one feed per instrument' });
  if (c.mode !== 'backtest' && !c.venue) ctx.addIssue({ code: 'custom', path: ['venue'], message: `a ${c.mode} session needs venue: { exchange, symbol }` });
  if (c.from !== undefined && c.to !== undefined && parseDateTime(c.from) > parseDateTime(c.to)) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: `from ${c.from} is after to ${c.to}: the window is empty (swap them?)` });
  }
  if (c.portfolio !== undefined && c.strategy !== PORTFOLIO) ctx.addIssue({ code: 'custom', path: ['strategy'], message: 'a portfolio run names its strategies in portfolio.sleeves: leave strategy out' });
  if (c.portfolio === undefined && c.strategy === PORTFOLIO) ctx.addIssue({ code: 'custom', path: ['strategy'], message: 'give a strategy (a folder under strategies/ or a module path), or portfolio.sleeves' });
  if (c.portfolio !== undefined && c.mode !== 'backtest') ctx.addIssue({ code: 'custom', path: ['portfolio'], message: `portfolio runs are backtests; a ${c.mode} session trades one strategy` });
  if (c.mode === 'live' && c.session.record === false) ctx.addIssue({ code: 'custom', path: ['session', 'record'], message: 'a live session is always recorded (its orders and fills are the audit trail): give a folder or leave it out' });
});

export type SessionConfig = z.output<typeof SessionConfigSchema>;
export type SessionConfigInput = z.input<typeof SessionConfigSchema>;
/** A resolved session config of a backtest (data present). */
export type BacktestConfig = SessionConfig & { readonly data: NonNullable<SessionConfig['data']> };

/** Parses a session config, turning zod issues into one readable ConfigError. */
export function parseSessionConfig(input: unknown): Readonly<SessionConfig> {
  const r = SessionConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(`invalid session config: ${formatIssues(r.error)}`, 'usage');
  return deepFreeze(r.data);
}

/** A backtest's config (mode backtest: data is there). */
export function parseBacktestConfig(input: unknown): Readonly<BacktestConfig> {
  const c = parseSessionConfig(input);
  if (c.mode !== 'backtest') throw new ConfigError(`this runs backtests; the config says mode ${c.mode}`);
  return c as BacktestConfig;
}

/** The JSON Schema of session configs (editor completion: `lockstep config schema`). */
export function sessionConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SessionConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
