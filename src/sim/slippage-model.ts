import type { Instrument } from '../core/instrument.ts';

/** Adjusts an execution price against the trader. */
export interface SlippageModel {
  /** Name recorded in results. */
  readonly name: string;
  /**
   * Price actually paid for `qty` at reference `price`; `side` is +1 buy, -1 sell;
   * `barVolume` is the volume of the bar (NaN when unknown).
   */
  apply(instrument: Instrument, side: 1 | -1, price: number, qty: number, barVolume: number): number;
}

export const noSlippage: SlippageModel = { name: 'none', apply: (_i, _s, price) => price };

/** Fixed basis points of the price (`bps` 5 = 0.05%). */
export function fixedBpsSlippage(bps: number): SlippageModel {
  return { name: `bps:${bps}`, apply: (_i, side, price) => price * (1 + (side * bps) / 10_000) };
}

/** A fixed number of ticks. */
export function fixedTicksSlippage(ticks: number): SlippageModel {
  return { name: `ticks:${ticks}`, apply: (inst, side, price) => price + side * ticks * inst.tickSize };
}

/**
 * Square-root market impact on the share of bar volume taken:
 * price × (1 + side × coefficient × √(qty / barVolume)). No volume data ⇒ no impact.
 */
export function volumeShareSlippage(coefficient: number): SlippageModel {
  return {
    name: `volume-share-sqrt:${coefficient}`,
    apply: (_i, side, price, qty, vol) => (vol > 0 ? price * (1 + side * coefficient * Math.sqrt(qty / vol)) : price),
  };
}
