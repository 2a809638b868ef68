import type { Logger } from '../engine/logger.ts';

/**
 * The assets a live client's commissions were charged in. The session's cash is the quote
 * currency (and, for a contract, its settlement currency), so a commission in it is charged
 * as it is; one in the base asset is worth its quantity at the fill's price, and the holding
 * lacks that quantity of the fills' sum (the end-of-session position check allows for it).
 * A commission in any other asset (Binance charges BNB when its discount is on) is neither:
 * the exchange takes it from that asset's balance, and the session has no price for it —
 * its quantity is counted here by asset, left out of the session's fees and P&L, reported
 * in the session's summary (`feesInOtherAssets`) and warned of the first time each asset is seen.
 */
export class FeeAssets {
  /** Commissions charged in the base asset so far (quantity). */
  base = 0;
  /** Commissions charged in other assets so far (quantities by asset). */
  readonly other: Record<string, number> = {};
  /** The base asset's code (BTC in BTC/USDT). */
  readonly baseAsset: string;
  /** The assets the session's cash is in: the quote, and a contract's settlement asset (an inverse contract's, the base, is not). */
  private readonly cash: readonly string[];

  /**
   * @param symbol the unified market symbol (BASE/QUOTE, or BASE/QUOTE:SETTLE for a contract)
   * @param log where the first commission in another asset is warned of (none: not warned)
   */
  constructor(symbol: string, private readonly log: Logger | null = null) {
    const [baseAsset, rest = ''] = symbol.split('/');
    this.baseAsset = baseAsset;
    this.cash = rest.split(':').filter((a) => a !== '' && a !== baseAsset);
  }

  /**
   * The quote-currency value of a commission of `cost` charged in `asset` on a fill at `price`,
   * booking its quantity when it is in the base or another asset. An unnamed asset is the quote.
   */
  charge(cost: number, asset: string | undefined, price: number): number {
    if (cost === 0 || asset === undefined || this.inCash(asset)) return cost;
    if (asset === this.baseAsset) {
      this.base += cost;
      return cost * price;
    }
    if (!(asset in this.other)) {
      this.other[asset] = 0;
      this.log?.warn(`a commission was charged in ${asset}, which the session has no price for: it is left out of the session's fees and P&L, and its total is reported as feesInOtherAssets`, { asset, quote: this.cash[0] ?? '' });
    }
    this.other[asset] += cost;
    return 0;
  }

  /** True for a commission in the session's cash: the quote, a contract's settlement asset (unless it is the base), or unnamed. */
  inCash(asset: string | undefined): boolean {
    return asset === undefined || this.cash.includes(asset);
  }
}
