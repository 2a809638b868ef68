import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { formatIssues } from '../core/format-issues.ts';

export { formatIssues };
import { InstrumentSchema } from '../core/instrument.ts';
import { parseDateTime } from '../core/time.ts';

const dateText = z.string().refine((s) => !Number.isNaN(parseDateTime(s)), {
  message: 'expected a date like 2006-01-31 or 2006-01-31T12:00:00Z',
});

export const CommissionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** Fraction of notional: 0.001 = 0.1%. */
  z.strictObject({ type: z.literal('rate'), rate: z.number().nonnegative() }),
  /** Fixed amount per contract. */
  z.strictObject({ type: z.literal('per-contract'), perContract: z.number().nonnegative() }),
  /** Maker/taker rates on notional (maker may be negative: a rebate). */
  z.strictObject({ type: z.literal('maker-taker'), maker: z.number(), taker: z.number().nonnegative() }),
  /** Each instrument's own maker/taker fees. */
  z.strictObject({ type: z.literal('instrument') }),
]);

export const SlippageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bps'), bps: z.number().nonnegative() }),
  z.strictObject({ type: z.literal('ticks'), ticks: z.number().nonnegative() }),
  z.strictObject({ type: z.literal('volume-share'), coefficient: z.number().nonnegative() }),
]);

export const FeedSchema = z.strictObject({
  /** Bar file (CSV, Parquet, Arrow IPC), or tick data: a folder or file of normalized trades/quotes/deltas Parquet. */
  file: z.string().min(1),
  /** bars or ticks; detected from the path when absent (folders and trades-/quotes-/deltas- files are ticks). */
  kind: z.enum(['bars', 'ticks']).optional(),
  /** Instrument traded from this feed. */
  instrument: InstrumentSchema,
  /** Position held at the start (e.g. a live session's reconciled inventory); default flat. */
  position: z.strictObject({ qty: z.number(), avgPrice: z.number().positive() }).optional(),
  /** Tick runs: order latency of this feed's venue (µs), overriding the run's `latency`. */
  latency: z.strictObject({ entryMicros: z.number().nonnegative(), responseMicros: z.number().nonnegative() }).optional(),
});

/** A backtest run, fully resolved: every default is filled in here. */
export const RunConfigSchema = z.strictObject({
  /** Strategy folder name under strategies/ or a path to its module. */
  strategy: z.string().min(1),
  /** Raw strategy parameters (validated by the strategy's own schema). */
  params: z.record(z.string(), z.unknown()).default({}),
  /** One feed per instrument. */
  data: z.array(FeedSchema).min(1),
  /** Starting cash. */
  cash: z.number().nonnegative().default(10_000),
  commission: CommissionSchema.default({ type: 'none' }),
  slippage: SlippageSchema.default({ type: 'none' }),
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
  /** Tick runs: order entry and response latency (µs), fixed or interpolated from a recorded file. */
  latency: z.union([
    z.strictObject({ entryMicros: z.number().nonnegative(), responseMicros: z.number().nonnegative() }),
    z.strictObject({ file: z.string().min(1) }),
  ]).default({ entryMicros: 0, responseMicros: 0 }),
  /** Tick runs: how resting orders advance in their queue. */
  queue: z.enum(['risk-averse', 'probabilistic']).default('risk-averse'),
  /** Exponent n of the probabilistic queue's ahead^n / (ahead^n + behind^n). */
  queuePower: z.number().positive().default(3),
  /** Tick runs: a crossed or locked book stops the run (error), is ignored, or waits for the next snapshot. */
  onCrossedBook: z.enum(['error', 'ignore', 'resnapshot']).default('error'),
  /** Risk limits checked before every order; loss limits trip the kill switch. */
  risk: z.strictObject({
    maxPosition: z.number().positive().optional(),
    maxNotional: z.number().positive().optional(),
    maxOrderQty: z.number().positive().optional(),
    priceBandBps: z.number().positive().optional(),
    maxOpenOrders: z.number().int().positive().optional(),
    maxOrdersPerSecond: z.number().int().positive().optional(),
    maxDailyLoss: z.number().positive().optional(),
    maxDrawdown: z.number().positive().max(1).optional(),
  }).optional(),
  /**
   * Order features the engine emulates although the simulated venue could carry them, so a
   * backtest behaves like a live venue that lacks them (Binance spot: stop, DAY, reduce-only).
   */
  emulate: z.array(z.enum(['stop', 'stop-limit', 'DAY', 'reduce-only'])).default([]),
  /** Equity-curve resolution in µs (default: every bar; 1 s for tick runs). */
  equityIntervalMicros: z.number().nonnegative().optional(),
});

export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;

/** Parses a run config, turning zod issues into one readable ConfigError. */
export function parseRunConfig(input: unknown): Readonly<RunConfig> {
  const r = RunConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(`invalid run config: ${formatIssues(r.error)}`);
  return deepFreeze(r.data);
}


function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
