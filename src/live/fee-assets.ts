import type { Logger } from '../engine/logger.ts';
import { tickerPrice, type CcxtTicker } from './ccxt-order.ts';

/** A price read older than this is read again (the one held is used meanwhile). */
const PRICE_MAX_AGE_MS = 60_000;
/** After a failed read, the next one waits this long. */
const RETRY_MS = 30_000;

/** How another asset's commissions become the session's money: a price in the quote, and a late commission charged to an order. */
export interface FeePricing {
  /** The asset's price in `quote` (e.g. the exchange's BNB/USDT ticker); rejects or returns a non-positive number when there is none. */
  price(asset: string, quote: string): Promise<number>;
  /** Charges `fee` (quote) to order `orderId`, a commission valued after its fill was reported; false when it cannot be any more (the client closed). */
  charge(orderId: string, fee: number): boolean;
}

/**
 * Prices from the exchange's tickers: the last price, else the bid/ask midpoint, of ASSET/QUOTE
 * — or, when the client lists no such spot market (a futures client: Binance USDⓈ-M), of the
 * linear contract ASSET/QUOTE:QUOTE. Late commissions go through `charge`.
 */
export function tickerPricing(fetchTicker: (symbol: string) => Promise<CcxtTicker>, charge: FeePricing['charge']): FeePricing {
  const priceOf = async (symbol: string) => tickerPrice(await fetchTicker(symbol));
  return {
    price: async (asset, quote) => {
      try {
        return await priceOf(`${asset}/${quote}`);
      } catch (spot) {
        return priceOf(`${asset}/${quote}:${quote}`).catch(() => { throw spot; });
      }
    },
    charge,
  };
}

/**
 * The assets a live client's commissions were charged in. The session's cash is the quote
 * currency (and, for a contract, its settlement currency), so a commission in it is charged
 * as it is; one in the base asset is worth its quantity at the fill's price, and the holding
 * lacks that quantity of the fills' sum (the end-of-session position check allows for it).
 * A commission in any other asset (Binance charges BNB when its discount is on) is taken by
 * the exchange from that asset's balance: with a `FeePricing` it is valued at that asset's
 * price in the quote (read from the exchange, again once a minute) and charged as a
 * commission of its order — with the fill when a price is held, else as a late commission
 * once the first price is read. Without a price (no pricing, or the read failed) it stays out
 * of the session's fees and P&L and is reported as unvalued. Every such commission's quantity
 * is counted by asset (`feesInOtherAssets`), and the first one of each asset is logged.
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
  private readonly prices = new Map<string, { price: number; at: number }>();
  private readonly reading = new Set<string>();
  private readonly failedAt = new Map<string, number>();
  /** Commissions in other assets waiting for their asset's first price: order id and quantity. */
  private readonly waiting = new Map<string, { orderId: string; qty: number }[]>();

  /**
   * @param symbol the unified market symbol (BASE/QUOTE, or BASE/QUOTE:SETTLE for a contract)
   * @param log where the first commission in another asset, and a failed price read, are logged (none: not logged)
   * @param pricing how commissions in other assets are valued and charged (none: they are counted only)
   */
  constructor(symbol: string, private readonly log: Logger | null = null, private readonly pricing: FeePricing | null = null) {
    const [baseAsset, rest = ''] = symbol.split('/');
    this.baseAsset = baseAsset;
    this.cash = rest.split(':').filter((a) => a !== '' && a !== baseAsset);
  }

  /**
   * The quote-currency value of a commission of `cost` charged in `asset` on a fill of order
   * `orderId` at `price`, booking its quantity when it is in the base or another asset. An
   * unnamed asset is the quote. Another asset's commission without a price held is worth 0
   * here: it is charged to the order later, when the first price is read.
   */
  charge(cost: number, asset: string | undefined, price: number, orderId: string): number {
    if (cost === 0 || asset === undefined || this.inCash(asset)) return cost;
    if (asset === this.baseAsset) {
      this.base += cost;
      return cost * price;
    }
    this.count(asset, cost);
    if (this.pricing === null) return 0;
    const held = this.prices.get(asset);
    if (held === undefined || Date.now() - held.at > PRICE_MAX_AGE_MS) this.read(asset);
    if (held !== undefined) return cost * held.price;
    const list = this.waiting.get(asset) ?? [];
    list.push({ orderId, qty: cost });
    this.waiting.set(asset, list);
    return 0;
  }

  /** True for a commission in the session's cash: the quote, a contract's settlement asset (unless it is the base), or unnamed. */
  inCash(asset: string | undefined): boolean {
    return asset === undefined || this.cash.includes(asset);
  }

  /** Commissions in other assets not valued (no price read for them yet): quantities by asset, not in the session's fees or P&L. */
  get unvalued(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [asset, list] of this.waiting) out[asset] = list.reduce((s, w) => s + w.qty, 0);
    if (this.pricing === null) Object.assign(out, this.other);
    return out;
  }

  private count(asset: string, cost: number): void {
    if (!(asset in this.other)) {
      this.other[asset] = 0;
      const how = this.pricing === null
        ? 'the session has no price for it: it is left out of the session\'s fees and P&L'
        : `it is valued at the exchange's ${asset}/${this.quote} price and charged in ${this.quote}`;
      this.log?.warn(`a commission was charged in ${asset}: ${how}; its total is reported as feesInOtherAssets`, { asset, quote: this.quote });
    }
    this.other[asset] += cost;
  }

  private get quote(): string {
    return this.cash[0] ?? '';
  }

  /** Reads `asset`'s price (one read at a time, none within RETRY_MS of a failed one); then charges what waited for it. */
  private read(asset: string): void {
    const failed = this.failedAt.get(asset);
    if (this.reading.has(asset) || (failed !== undefined && Date.now() - failed < RETRY_MS)) return;
    this.reading.add(asset);
    this.pricing!.price(asset, this.quote).then((price) => {
      if (!(price > 0 && price < Infinity)) throw new Error(`the exchange gave ${price}`);
      this.prices.set(asset, { price, at: Date.now() });
      this.failedAt.delete(asset);
      const left = (this.waiting.get(asset) ?? []).filter((w) => !this.pricing!.charge(w.orderId, w.qty * price));
      if (left.length > 0) this.waiting.set(asset, left);
      else this.waiting.delete(asset);
    }).catch((e: unknown) => {
      const first = !this.failedAt.has(asset) && !this.prices.has(asset);
      this.failedAt.set(asset, Date.now());
      if (first) this.log?.warn(`no ${asset}/${this.quote} price (${(e as Error).message}): commissions in ${asset} stay out of the session's fees and P&L until one is read`, { asset });
    }).finally(() => this.reading.delete(asset));
  }
}
