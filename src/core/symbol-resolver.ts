import { ConfigError } from './errors.ts';

/** One listing: a unified symbol (`BTC/USDT`) as a venue names it (`BTCUSDT` on BINANCE). */
export interface Listing {
  readonly unified: string;
  readonly venue: string;
  readonly symbol: string;
}

/**
 * Maps unified symbols to venue symbols and back with O(1) lookups (one hash map each
 * way, keyed by venue and symbol), plus the instrument id `SYMBOL.VENUE` the engine uses.
 */
export class SymbolResolver {
  private readonly toVenueMap = new Map<string, Listing>();
  private readonly toUnifiedMap = new Map<string, Listing>();
  private readonly byUnified = new Map<string, Listing[]>();

  constructor(listings: Iterable<Listing> = []) {
    for (const l of listings) this.add(l);
  }

  add(l: Listing): void {
    const kv = `${l.venue}\u0000${l.unified}`;
    const ks = `${l.venue}\u0000${l.symbol}`;
    const prev = this.toVenueMap.get(kv);
    if (prev && prev.symbol !== l.symbol) throw new ConfigError(`${l.unified} on ${l.venue} is already mapped to ${prev.symbol} (not ${l.symbol})`);
    const back = this.toUnifiedMap.get(ks);
    if (back && back.unified !== l.unified) throw new ConfigError(`${l.symbol} on ${l.venue} is already mapped to ${back.unified} (not ${l.unified})`);
    if (prev) return;
    this.toVenueMap.set(kv, l);
    this.toUnifiedMap.set(ks, l);
    const list = this.byUnified.get(l.unified) ?? [];
    list.push(l);
    this.byUnified.set(l.unified, list);
  }

  /** The venue's symbol for a unified symbol; throws naming both when unmapped. */
  venueSymbol(unified: string, venue: string): string {
    const l = this.toVenueMap.get(`${venue}\u0000${unified}`);
    if (!l) throw new ConfigError(`${unified} is not listed on ${venue}: add a listing { unified: '${unified}', venue: '${venue}', symbol: … }`);
    return l.symbol;
  }

  /** The unified symbol of a venue symbol. */
  unified(venue: string, symbol: string): string {
    const l = this.toUnifiedMap.get(`${venue}\u0000${symbol}`);
    if (!l) throw new ConfigError(`${symbol} on ${venue} has no unified symbol: add a listing for it`);
    return l.unified;
  }

  /** Instrument id (`SYMBOL.VENUE`) of a unified symbol on a venue. */
  instrumentId(unified: string, venue: string): string {
    return `${this.venueSymbol(unified, venue)}.${venue}`;
  }

  /** Venues listing a unified symbol, in the order they were added. */
  venues(unified: string): string[] {
    return (this.byUnified.get(unified) ?? []).map((l) => l.venue);
  }
}
