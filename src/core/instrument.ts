import { z } from './zod.ts';

/** How an instrument's position is accounted for. */
export const Settlement = {
  /** Spot / stock style: buying pays the full notional out of cash. */
  cash: 'cash',
  /** Futures style: margin per contract is held out of cash and P&L is marked into cash. */
  margin: 'margin',
} as const;
export type Settlement = (typeof Settlement)[keyof typeof Settlement];

export const InstrumentSchema = z.strictObject({
  /** Venue-local symbol, e.g. `BTCUSDT` or `ES`. */
  symbol: z.string().min(1),
  /** Venue name, e.g. `BINANCE` or `SIM`. */
  venue: z.string().min(1).default('SIM'),
  /** Minimum price increment. */
  tickSize: z.number().positive().default(0.01),
  /** Minimum quantity increment. */
  lotSize: z.number().positive().default(1),
  /** Contract multiplier: P&L per unit price move per unit quantity. */
  multiplier: z.number().positive().default(1),
  /** Initial margin per contract; > 0 selects futures-style settlement. */
  margin: z.number().nonnegative().default(0),
  /** Maker fee as a fraction of notional (negative = rebate). */
  makerFee: z.number().default(0),
  /** Taker fee as a fraction of notional. */
  takerFee: z.number().default(0),
  /** Smallest order value (price × quantity × multiplier) the venue accepts; 0 = none. */
  minNotional: z.number().nonnegative().default(0),
});

/** A tradable instrument, immutable once created. */
export interface Instrument {
  /** `SYMBOL.VENUE`, unique within a run. */
  readonly id: string;
  /** Venue-local symbol. */
  readonly symbol: string;
  /** Venue name. */
  readonly venue: string;
  /** Minimum price increment. */
  readonly tickSize: number;
  /** Minimum quantity increment. */
  readonly lotSize: number;
  /** P&L per unit of price per unit of quantity. */
  readonly multiplier: number;
  /** Initial margin per contract (0 for cash settlement). */
  readonly margin: number;
  /** Maker fee rate on notional. */
  readonly makerFee: number;
  /** Taker fee rate on notional. */
  readonly takerFee: number;
  /** Smallest order value the venue accepts (0 = none). */
  readonly minNotional: number;
  /** Derived from `margin`. */
  readonly settlement: Settlement;
}

export type InstrumentInput = z.input<typeof InstrumentSchema>;

/** Validates and freezes an instrument definition; defaults resolve here. */
export function defineInstrument(input: InstrumentInput): Instrument {
  const p = InstrumentSchema.parse(input);
  // One literal in one field order: every instrument has the same shape whatever zod's
  // output object looked like, so code optimized for one run's instruments serves the next.
  return Object.freeze({
    symbol: p.symbol, venue: p.venue, tickSize: p.tickSize, lotSize: p.lotSize, multiplier: p.multiplier, margin: p.margin,
    makerFee: p.makerFee, takerFee: p.takerFee, minNotional: p.minNotional,
    id: `${p.symbol}.${p.venue}`,
    settlement: p.margin > 0 ? Settlement.margin : Settlement.cash,
  });
}

/** True when `value` is an integer multiple of `step` (within float noise). */
export function isMultipleOf(value: number, step: number): boolean {
  const k = value / step;
  return Math.abs(k - Math.round(k)) <= 1e-9 * Math.max(1, Math.abs(k));
}

/** Rounds a price to the instrument's tick. */
export function roundToTick(price: number, tickSize: number): number {
  const r = Math.round(price / tickSize) * tickSize;
  // Trim binary noise (e.g. 0.1 * 3) so printed prices look like the tick grid: the nearest
  // double to r at two decimals finer than the tick. r·scale sits next to an integer, so
  // rounding it and dividing (correctly rounded) equals Number(r.toFixed(decimals)) without
  // a string; from 2^44 on the product's own error nears half a unit and the string path decides.
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(tickSize)) + 2));
  const scale = 10 ** decimals;
  const scaled = r * scale;
  return Math.abs(scaled) < 2 ** 44 ? Math.round(scaled) / scale : Number(r.toFixed(decimals));
}
