import { SideBook } from './side-book.ts';

/** State of the book after an update. */
export const BookState = { ok: 'ok', crossed: 'crossed', locked: 'locked', oneSided: 'one-sided', empty: 'empty' } as const;
export type BookState = (typeof BookState)[keyof typeof BookState];

/** An L2 order book of one instrument: sizes per price level on each side. */
export class L2Book {
  readonly bids = new SideBook(true);
  readonly asks = new SideBook(false);

  /** Applies one level change: `side` 1 bid / −1 ask, `size` 0 removes the level. */
  apply(side: 1 | -1, price: number, size: number): void {
    (side === 1 ? this.bids : this.asks).set(price, size);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  bestBid(): number {
    return this.bids.bestPrice();
  }

  bestAsk(): number {
    return this.asks.bestPrice();
  }

  /** (bid + ask) / 2; NaN unless both sides have a level. */
  mid(): number {
    return (this.bids.bestPrice() + this.asks.bestPrice()) / 2;
  }

  spread(): number {
    return this.asks.bestPrice() - this.bids.bestPrice();
  }

  /** Size-weighted mid of the top level: (bid·askSize + ask·bidSize) / (bidSize + askSize). */
  microprice(): number {
    const b = this.bids.bestPrice();
    const a = this.asks.bestPrice();
    const bs = this.bids.bestSize();
    const as = this.asks.bestSize();
    return bs + as > 0 ? (b * as + a * bs) / (bs + as) : Number.NaN;
  }

  /**
   * Volume-adjusted mid: the mean of the average prices paid to buy and received to sell
   * `qty` against the book (NaN when either side is thinner than `qty`).
   */
  volumeAdjustedMid(qty: number): number {
    return (vwapFor(this.asks, qty) + vwapFor(this.bids, qty)) / 2;
  }

  /** Size resting at a price on a side. */
  depthAt(side: 1 | -1, price: number): number {
    return (side === 1 ? this.bids : this.asks).sizeAtPrice(price);
  }

  /** The top `n` levels of a side as [price, size] pairs, best first. */
  top(side: 1 | -1, n: number): [number, number][] {
    const s = side === 1 ? this.bids : this.asks;
    const out: [number, number][] = [];
    for (let k = 0; k < Math.min(n, s.levels); k++) out.push([s.priceAt(k), s.sizeAt(k)]);
    return out;
  }

  /** Crossed (bid > ask), locked (bid = ask), one-sided, empty or ok. */
  state(): BookState {
    const b = this.bids.bestPrice();
    const a = this.asks.bestPrice();
    if (Number.isNaN(b) && Number.isNaN(a)) return BookState.empty;
    if (Number.isNaN(b) || Number.isNaN(a)) return BookState.oneSided;
    return b > a ? BookState.crossed : b === a ? BookState.locked : BookState.ok;
  }
}

/** Average price of taking `qty` from a side, best levels first; NaN when too thin. */
export function vwapFor(side: SideBook, qty: number): number {
  let left = qty;
  let cost = 0;
  for (let k = 0; k < side.levels && left > 0; k++) {
    const take = Math.min(left, side.sizeAt(k));
    cost += take * side.priceAt(k);
    left -= take;
  }
  return left > 1e-12 ? Number.NaN : cost / qty;
}
