import { describe, expect, it } from 'vitest';
import type { VenueEvent } from '../engine/execution-client.ts';
import { currentLeg, newLeg, type Tracked } from './ccxt-followed-orders.ts';
import { TradeFees } from './trade-fees.ts';
import { FeeAssets } from './fee-assets.ts';
import type { Logger } from '../engine/logger.ts';

const order = (id: string): Tracked => ({ id, snap: {} as Tracked['snap'], legs: [newLeg(id)], acked: true, triggered: false, cancelWanted: false, replacing: false, done: false });
const trade = (id: string, amount: number, cost: number, currency = 'USDT', price = 100, timestamp?: number) => ({ id, amount, price, fee: { cost, currency }, ...(timestamp !== undefined ? { timestamp } : {}) });

/** Fees booked from trades; `fill(t, filled)` stands for FollowedOrders reporting a fill up to `filled` (what it takes for it). */
function fees() {
  const events: VenueEvent[] = [];
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
  const f = new TradeFees((e) => events.push(e), new FeeAssets('BTC/USDT', log));
  const fill = (t: Tracked, filled: number) => {
    const leg = currentLeg(t);
    const fee = f.takeForFill(leg, filled);
    leg.filled = filled;
    return fee;
  };
  return { f, events, fill, warnings };
}

describe('TradeFees: commissions from trades, each once', () => {
  it('a trade seen before its fill rides on the fill; one seen after it is a fee event; a repeated trade id is booked once', () => {
    const { f, events, fill } = fees();
    const t = order('a');
    f.follow(t, currentLeg(t), 'ex-a');
    f.apply('ex-a', trade('1', 0.4, 0.04));
    f.apply('ex-a', trade('1', 0.4, 0.04)); // the same execution again (a duplicated stream message, a REST read)
    expect(fill(t, 0.4)).toBeCloseTo(0.04, 15);
    expect(fill(t, 1)).toBe(0); // the order report ran ahead of the trade
    f.apply('ex-a', trade('2', 0.6, 0.06));
    f.apply('ex-a', trade('2', 0.6, 0.06));
    expect(events).toEqual([{ kind: 'fee', orderId: 'a', fee: expect.closeTo(0.06, 15) }]);
  });

  it("trades of an order not acknowledged yet wait for it; a commission in the base asset is counted at the trade's price and as quantity", () => {
    const { f, events, fill } = fees();
    const t = order('b');
    f.apply('ex-b', trade('7', 0.5, 0.0005, 'BTC', 100)); // the stream's report before the order's answer
    f.follow(t, currentLeg(t), 'ex-b');
    expect(fill(t, 0.5)).toBeCloseTo(0.05, 15); // 0.0005 BTC × 100
    expect(f.assets.base).toBeCloseTo(0.0005, 15);
    expect(events).toEqual([]);
  });

  it("an adopted order's trades from before the session are not charged again; fills short of trades are listed for a REST read, given up after 5 reads", () => {
    const { f, events, fill } = fees();
    const t = order('c');
    const leg = currentLeg(t);
    const adoptedAt = Date.now();
    Object.assign(leg, { exchangeId: 'ex-c', filled: 0.3, tradeQty: 0.3, adoptedAt });
    f.follow(t, leg, 'ex-c');
    f.apply('ex-c', trade('9', 0.3, 0.03, 'USDT', 100, adoptedAt - 60_000)); // before the session: in the balances it started from
    expect(fill(t, 0.5)).toBe(0);
    expect(f.shortOfTrades(0)).toEqual(['ex-c']);
    expect(f.shortOfTrades(60_000)).toEqual([]); // not before its period
    f.apply('ex-c', trade('10', 0.2, 0.02, 'USDT', 100, adoptedAt + 1));
    expect(events).toEqual([{ kind: 'fee', orderId: 'c', fee: expect.closeTo(0.02, 15) }]);
    expect(f.shortOfTrades(0)).toEqual([]);
    expect(fill(t, 0.6)).toBe(0);
    expect([1, 2, 3, 4, 5].map(() => f.afterRead('ex-c'))).toEqual([false, false, false, false, true]);
    expect(f.shortOfTrades(0)).toEqual([]);
  });

  it('a commission in a third asset (BNB) is counted by asset, not charged to the quote cash, and warned of once', () => {
    const { f, events, fill, warnings } = fees();
    const t = order('d');
    f.follow(t, currentLeg(t), 'ex-d');
    f.apply('ex-d', trade('11', 0.5, 0.000075, 'BNB', 100)); // 0.5 × 100 × 0.075 % at a BNB price the session does not know
    f.apply('ex-d', trade('12', 0.5, 0.00003, 'USDT', 100)); // a quote commission beside it is charged as it is
    expect(fill(t, 1)).toBeCloseTo(0.00003, 15);
    f.apply('ex-d', trade('13', 0, 0.000025, 'BNB', 100));
    expect(events).toEqual([]); // nothing owed in the quote currency
    expect(f.assets.other).toEqual({ BNB: expect.closeTo(0.0001, 15) });
    expect(f.assets.base).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/charged in BNB.*left out of the session's fees and P&L.*feesInOtherAssets/);
  });
});
