import { defineStrategy, SymbolResolver, z, type Context, type Instrument } from 'lockstep';

/**
 * Net edge (bps of the buy price) of buying at `ask` on one venue and selling at `bid` on
 * another, both as takers: (bid·(1 − sellFee) − ask·(1 + buyFee)) / ask · 10⁴.
 */
export function crossEdgeBps(bid: number, sellFee: number, ask: number, buyFee: number): number {
  return ((bid * (1 - sellFee) - ask * (1 + buyFee)) / ask) * 1e4;
}

/**
 * Two venues, one instrument: when one venue's bid exceeds the other's ask by more than
 * both taker fees plus `minEdgeBps`, buy where it is cheap and sell where it is dear with
 * IOC limit orders at the touch (size capped by both touches and the inventory limits).
 * Inventory builds up on both sides and unwinds when the gap turns; a leg that fails
 * (IOC unfilled) leaves a net position, which is hedged at market on the better venue.
 */
export const strategy = defineStrategy({
  name: 'cross-venue-arb',
  description: 'Cross-venue taker arbitrage of one instrument on two venues, with per-venue fees and inventory',
  params: z.strictObject({
    /** Unified symbol traded. */
    symbol: z.string().default('BTC/USDT'),
    /** Venue symbol per venue (e.g. { BINANCE: 'BTCUSDT', KRAKEN: 'XBTUSDT' }); default: the run's two instruments. */
    listings: z.record(z.string(), z.string()).optional(),
    /** Edge left after both taker fees, bps. */
    minEdgeBps: z.number().default(1),
    /** Size per arbitrage. */
    size: z.number().positive().default(0.1),
    /** Absolute position limit per venue. */
    maxInventory: z.number().positive().default(1),
    /** Flatten a net position (a failed leg) at market. */
    hedge: z.boolean().default(true),
  }),
  create(p) {
    let a!: Instrument;
    let b!: Instrument;
    const choose = (ctx: Context) => {
      if (ctx.instruments.length !== 2) throw new Error(`cross-venue-arb trades one instrument on two venues: the run has ${ctx.instruments.length} instruments`);
      const resolver = new SymbolResolver(p.listings
        ? Object.entries(p.listings).map(([venue, symbol]) => ({ unified: p.symbol, venue, symbol }))
        : ctx.instruments.map((i) => ({ unified: p.symbol, venue: i.venue, symbol: i.symbol })));
      const [va, vb] = resolver.venues(p.symbol);
      a = ctx.instrument(resolver.instrumentId(p.symbol, va));
      b = ctx.instrument(resolver.instrumentId(p.symbol, vb));
    };
    const qtyOf = (q: number, lot: number) => Math.floor(q / lot + 1e-9) * lot;
    return {
      onStart: choose,
      onBook(_delta, ctx) {
        if (ctx.hasOpenOrders()) return; // legs in flight
        const ba = ctx.book(a.id);
        const bb = ctx.book(b.id);
        if (!(ba.mid() > 0 && bb.mid() > 0)) return;
        const posA = ctx.position(a.id);
        const posB = ctx.position(b.id);
        const lot = Math.max(a.lotSize, b.lotSize);
        const net = posA + posB;
        if (p.hedge && Math.abs(net) >= lot / 2) {
          // Sell the excess where the bid is higher, or buy the shortfall where the ask is lower.
          const where = net > 0 ? (ba.bestBid() >= bb.bestBid() ? a : b) : (ba.bestAsk() <= bb.bestAsk() ? a : b);
          ctx.submit({ instrument: where.id, side: net > 0 ? 'sell' : 'buy', qty: Number(qtyOf(Math.abs(net) + lot / 2, lot).toFixed(9)), type: 'market', tag: 'hedge' });
          return;
        }
        const tryArb = (buy: Instrument, sell: Instrument, ask: number, askSize: number, bid: number, bidSize: number, posBuy: number, posSell: number) => {
          if (crossEdgeBps(bid, sell.takerFee, ask, buy.takerFee) <= p.minEdgeBps) return false;
          const q = Number(qtyOf(Math.min(p.size, askSize, bidSize, p.maxInventory - posBuy, p.maxInventory + posSell), lot).toFixed(9));
          if (!(q > 0)) return false;
          ctx.submit({ instrument: buy.id, side: 'buy', qty: q, type: 'limit', price: ask, tif: 'IOC', tag: 'arb' });
          ctx.submit({ instrument: sell.id, side: 'sell', qty: q, type: 'limit', price: bid, tif: 'IOC', tag: 'arb' });
          return true;
        };
        const [bidA, askA] = [ba.bestBid(), ba.bestAsk()];
        const [bidB, askB] = [bb.bestBid(), bb.bestAsk()];
        if (tryArb(b, a, askB, bb.depthAt(-1, askB), bidA, ba.depthAt(1, bidA), posB, posA)) return;
        tryArb(a, b, askA, ba.depthAt(-1, askA), bidB, bb.depthAt(1, bidB), posA, posB);
      },
    };
  },
});
