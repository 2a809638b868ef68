import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../engine/logger.ts';
import { newLeg, type Leg } from './ccxt-followed-orders.ts';
import type { CcxtOrder, CcxtTrading } from './ccxt-order.ts';
import { StrayCheck } from './venue-audit.ts';

/** An exchange whose open orders are `open`; cancels are recorded (and answered as the exchange would). */
function exchange(open: CcxtOrder[], cancelFails = 0) {
  const cancelled: string[] = [];
  let failures = cancelFails;
  const ex = {
    fetchOpenOrders: async () => open,
    cancelOrder: async (id: string) => {
      if (failures-- > 0) throw new ccxt.RequestTimeout('timed out');
      cancelled.push(id);
      return { ...open.find((o) => o.id === id)!, status: 'canceled' };
    },
  } as unknown as CcxtTrading;
  return { ex, cancelled };
}

const leg = (clientId: string, endedAt: number, filled = 0): Leg => ({ ...newLeg(clientId), exchangeId: `ex-${clientId}`, filled, endedAt });
const resting = (clientOrderId: string, filled = 0): CcxtOrder => ({ id: `ex-${clientOrderId}`, clientOrderId, status: 'open', filled, amount: 1 });

describe('StrayCheck', () => {
  it("flags only this client's orders that it stopped counting open before the cut-off, and cancels them", async () => {
    const now = Date.now();
    const { ex, cancelled } = exchange([resting('old', 0.25), resting('recent'), resting('followed'), resting('someone-else'), resting('never-ended')]);
    const log = new MemoryLogger(() => 0);
    const check = new StrayCheck(ex, 'BTC/USDT', log, 1000);
    check.sent(leg('old', now - 1500, 0.2)); // ended here 1.5 s ago: its list entry cannot predate that
    check.sent(leg('recent', now - 500)); // ended 0.5 s ago: the list may predate it
    check.sent(leg('followed', now - 5000)); // a leg the client still follows (a replace's new leg, say)
    check.sent(leg('never-ended', 0));
    await check.check(new Set(['followed']), true, now - 1000);
    expect(check.found()).toEqual([{ clientOrderId: 'old', exchangeId: 'ex-old', status: 'open', filled: 0.25, amount: 1, sessionFilled: 0.2, cancelled: true }]);
    expect(cancelled).toEqual(['ex-old']);
    expect(log.records.map((r) => `${r.level} ${r.message}`)).toEqual(['error order open at the exchange that the session counted as ended']);
  });

  it('is due every period and not while a check runs; a cancel that keeps failing leaves the stray reported as not cancelled', async () => {
    const { ex, cancelled } = exchange([resting('a')], 3);
    const check = new StrayCheck(ex, 'BTC/USDT', new MemoryLogger(() => 0), 60_000);
    expect(check.isDue(Date.now())).toBe(false);
    expect(check.isDue(Date.now() + 60_000)).toBe(true);
    check.sent(leg('a', 1));
    const running = check.check(new Set(), true, Number.POSITIVE_INFINITY);
    expect(check.isDue(Date.now() + 120_000)).toBe(false); // one at a time
    await running;
    expect(check.found().map((s) => [s.clientOrderId, s.cancelled])).toEqual([['a', false]]);
    expect(cancelled).toEqual([]); // 3 attempts, 3 timeouts
    expect(check.isDue(Date.now() + 1000)).toBe(false); // the period restarts after a check
  });
});
