import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackClient } from '../../test/loopback.ts';
import { InvariantError } from '../core/errors.ts';
import { defineInstrument } from '../core/instrument.ts';
import type { OrderSnapshot } from '../core/order.ts';
import type { OrderEventSink, VenueEvent } from '../engine/execution-client.ts';
import { MemoryLogger } from '../engine/logger.ts';
import { Portfolio } from '../engine/portfolio.ts';
import { CcxtExecution } from './ccxt-execution.ts';
import type { CcxtTrading } from './ccxt-order.ts';
import { positionGap, type CcxtAccount } from './ccxt-reconcile.ts';
import { wallMicros } from './live-clock.ts';
import { LoopbackExchange } from './loopback/loopback-exchange.ts';

const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
let ex: LoopbackExchange;
let base: string;

beforeAll(async () => {
  ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map([['k', 's']]), balances: { USDT: 100_000, BTC: 1 } });
  const t = wallMicros();
  ex.onDelta({ instrumentId: instrument.id, instrumentIndex: 0, ts: t, tsLocal: t, side: 1, price: 100, qty: 5, isSnapshot: true, clear: true, last: false });
  ex.onDelta({ instrumentId: instrument.id, instrumentIndex: 0, ts: t, tsLocal: t, side: -1, price: 100.1, qty: 5, isSnapshot: true, clear: false, last: true });
  base = await ex.listen();
});
afterAll(async () => ex?.close());

const snap = (id: string, o: Partial<OrderSnapshot> = {}): OrderSnapshot => ({
  id, instrumentId: instrument.id, side: 'buy', type: 'limit', tif: 'GTC', postOnly: false, reduceOnly: false, qty: 0.01, price: 99, stopPrice: Number.NaN, createdTs: 0, ...o,
});

/** A CcxtExecution over a real ccxt client whose calls a test can break; events collected per order. */
async function client(wrap: (c: CcxtTrading) => Partial<CcxtTrading> = () => ({}), onInternalError?: (e: unknown) => void, auditMillis?: number) {
  const c = await loopbackClient(base, { apiKey: 'k', secret: 's' });
  c.options.recvWindow = 300; // a signed request older than this is refused: after it, a lost request can no longer arrive
  const real = c as unknown as CcxtTrading;
  const ccxtLike = Object.assign(Object.create(real), { watchOrders: undefined }, wrap(real)) as CcxtTrading;
  const events: VenueEvent[] = [];
  let sink: OrderEventSink = { onVenueEvent: (e) => events.push(e) };
  const log = new MemoryLogger(() => 0);
  const exec = new CcxtExecution(ccxtLike, 'BTC/USDT', instrument, log, { pollMillis: 20, ...(onInternalError ? { onInternalError } : {}), ...(auditMillis ? { auditMillis } : {}) });
  exec.bind({ onVenueEvent: (e) => sink.onVenueEvent(e) }, new Portfolio([instrument], 0));
  const kinds = (id: string) => events.filter((e) => e.orderId === id).map((e) => e.kind);
  const until = async (cond: () => boolean, ms = 5000) => { for (const end = Date.now() + ms; !cond() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20)); };
  const close = async () => { await exec.close(); await c.close(); };
  return { exec, events, kinds, until, close, log, setSink: (s: OrderEventSink) => { sink = s; } };
}

const atExchange = (clientId: string) => ex.spot.all().filter((o) => o.clientOrderId === clientId);

describe('CcxtExecution: unknown outcomes, typed errors', () => {
  it('a reply lost after the exchange placed the order: found by client id, never sent twice', async () => {
    let calls = 0;
    const h = await client((real) => ({
      createOrder: async (...a: Parameters<CcxtTrading['createOrder']>) => { calls++; await real.createOrder(...a); throw new ccxt.RequestTimeout('binance POST /order timed out'); },
    }));
    h.exec.submit(snap('lost-1'));
    h.exec.submit(snap('lost-2', { type: 'market', price: Number.NaN, qty: 0.02 })); // fills at once at the exchange
    await h.until(() => h.kinds('lost-2').includes('fill') && h.kinds('lost-1').includes('accepted'));
    expect(calls).toBe(2);
    expect(atExchange('lost-1')).toHaveLength(1);
    expect(atExchange('lost-2')).toHaveLength(1);
    expect(atExchange('lost-2')[0].executed).toBeCloseTo(0.02, 12);
    expect(h.kinds('lost-1')).toEqual(['accepted']);
    expect(h.kinds('lost-2')).toEqual(['accepted', 'fill']);
    h.exec.cancel('lost-1');
    await h.until(() => h.kinds('lost-1').includes('cancelled'));
    await h.close();
  });

  it('a request that never arrived is sent again with the same client id — only after its recvWindow has passed', async () => {
    const sentAt: number[] = [];
    const h = await client((real) => ({
      createOrder: async (...a: Parameters<CcxtTrading['createOrder']>) => {
        sentAt.push(Date.now());
        if (sentAt.length === 1) throw new ccxt.NetworkError('socket hang up'); // lost before the exchange saw it
        return real.createOrder(...a);
      },
    }));
    h.exec.submit(snap('resend-1'));
    await h.until(() => h.kinds('resend-1').includes('accepted'));
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1] - sentAt[0]).toBeGreaterThanOrEqual(300 + 1000); // recvWindow + the margin for clock skew
    expect(atExchange('resend-1')).toHaveLength(1);
    h.exec.cancel('resend-1');
    await h.until(() => h.kinds('resend-1').includes('cancelled'));
    await h.close();
  });

  it('silence counts only while a command waits for the venue: resting quotes in a quiet market are not an outage', async () => {
    let hang = false; // the venue stops answering (orders and the polls that follow them)
    const slow = async <T>(call: () => Promise<T>): Promise<T> => {
      if (hang) await new Promise((r) => setTimeout(r, 2000));
      return call();
    };
    const h = await client((real) => ({
      createOrder: (...a: Parameters<CcxtTrading['createOrder']>) => slow(() => real.createOrder(...a)),
      fetchOrder: (...a: Parameters<CcxtTrading['fetchOrder']>) => slow(() => real.fetchOrder(...a)),
    }));
    h.exec.submit(snap('quiet-1'));
    await h.until(() => h.kinds('quiet-1').includes('accepted'));
    hang = true;
    await new Promise((r) => setTimeout(r, 300)); // the order rests, the polls go unanswered; no command waits
    expect(h.exec.silentMillis()).toBe(0); // before the fix: ~300 (time since the last answer, with an order open)
    h.exec.submit(snap('quiet-2'));
    await new Promise((r) => setTimeout(r, 200));
    const silent = h.exec.silentMillis(); // from when quiet-2 was sent (~200), not from the last answer (~500)
    expect(silent).toBeGreaterThanOrEqual(150);
    expect(silent).toBeLessThan(450);
    hang = false;
    await h.until(() => h.kinds('quiet-2').includes('accepted'));
    await h.close();
  });

  it("an answer ccxt could not read (BadResponse) or a cancel still pending (CancelPending) is an unknown outcome, never a refusal", async () => {
    let creates = 0;
    let cancels = 0;
    const h = await client((real) => ({
      createOrder: async (...a: Parameters<CcxtTrading['createOrder']>) => { creates++; await real.createOrder(...a); throw new ccxt.BadResponse('binance POST /order: unparseable reply'); },
      cancelOrder: async (...a: Parameters<CcxtTrading['cancelOrder']>) => { if (cancels++ === 0) throw new ccxt.CancelPending('cancel pending'); return real.cancelOrder(...a); },
    }));
    h.exec.submit(snap('garbled'));
    await h.until(() => h.kinds('garbled').length > 0);
    expect(h.kinds('garbled')).toEqual(['accepted']); // found by client id, not reported rejected while it rests
    expect(creates).toBe(1);
    expect(atExchange('garbled')).toHaveLength(1);
    h.exec.cancel('garbled');
    await h.until(() => h.kinds('garbled').includes('cancelled'));
    expect(h.kinds('garbled')).toEqual(['accepted', 'cancelled']); // the pending cancel was sent again, not given up as refused
    expect(cancels).toBe(2);
    expect(atExchange('garbled')[0].status).toBe('CANCELED');
    await h.close();
  });

  it('refusals become rejections named by their ccxt class', async () => {
    const h = await client();
    h.exec.submit(snap('poor', { qty: 5000, price: 100 })); // 500,000 USDT
    h.exec.submit(snap('taker', { price: 100.1, postOnly: true }));
    h.exec.submit(snap('soon', { side: 'sell', type: 'stop-limit', stopPrice: 120, price: 119 })); // a sell stop above the last trade triggers at once
    ex.onTrade({ instrumentId: instrument.id, instrumentIndex: 0, ts: wallMicros(), tsLocal: wallMicros(), price: 100.05, qty: 0.001, aggressor: 1 });
    await h.until(() => h.kinds('poor').length > 0 && h.kinds('taker').length > 0 && h.kinds('soon').length > 0);
    expect(h.events.find((e) => e.orderId === 'poor')).toMatchObject({ kind: 'rejected', reason: 'insufficient-cash' });
    expect(h.events.find((e) => e.orderId === 'taker')).toMatchObject({ kind: 'rejected', reason: 'post-only-would-cross' });
    expect(h.events.find((e) => e.orderId === 'soon')).toMatchObject({ kind: 'rejected', reason: 'stop-would-trigger-immediately' });
    await h.close();
  });

  it('a cancel that meets network errors is retried until the exchange answers', async () => {
    let failures = 0;
    const h = await client((real) => ({
      cancelOrder: async (...a: Parameters<CcxtTrading['cancelOrder']>) => { if (failures++ < 2) throw new ccxt.RequestTimeout('timed out'); return real.cancelOrder(...a); },
    }));
    h.exec.submit(snap('retry-cancel'));
    await h.until(() => h.kinds('retry-cancel').includes('accepted'));
    h.exec.cancel('retry-cancel');
    await h.until(() => h.kinds('retry-cancel').includes('cancelled'));
    expect(failures).toBe(3);
    expect(h.kinds('retry-cancel')).toEqual(['accepted', 'cancelled']);
    expect(atExchange('retry-cancel')[0].status).toBe('CANCELED');
    await h.close();
  });

  it('an engine invariant error met while applying an answer is not turned into a venue answer', async () => {
    const bugs: unknown[] = [];
    const h = await client(undefined, (e) => bugs.push(e));
    h.setSink({ onVenueEvent: (e) => { if (e.kind === 'accepted') throw new InvariantError('order lifecycle broken'); h.events.push(e); } });
    h.exec.submit(snap('bug-1'));
    await h.until(() => bugs.length > 0);
    expect(bugs[0]).toBeInstanceOf(InvariantError);
    expect(h.events.filter((e) => e.orderId === 'bug-1')).toEqual([]); // no 'rejected' made up from it
    await h.close();
    await h.until(() => false, 50);
    // The order did reach the exchange: clean it up.
    const c = await loopbackClient(base, { apiKey: 'k', secret: 's' });
    await c.cancelAllOrders('BTC/USDT');
    await c.close();
  });
});

/**
 * A cancel the exchange answers "canceled" without carrying it out (the client's view diverges
 * from the venue's): the first `lies` cancels (all of them when Infinity), then real ones.
 */
function cancelThatLies(lies: number) {
  let told = 0;
  return (real: CcxtTrading) => ({
    cancelOrder: async (...a: Parameters<CcxtTrading['cancelOrder']>) => {
      if (told++ >= lies) return real.cancelOrder(...a);
      return { ...(await real.fetchOrder(a[0], a[1])), status: 'canceled' };
    },
  });
}

describe('CcxtExecution: the end-of-session check against the exchange', () => {
  it("an order the client counts as ended but the exchange lists open is a stray: reported with the exchange's view, cancelled when asked", async () => {
    const h = await client(cancelThatLies(1));
    const other = await loopbackClient(base, { apiKey: 'k', secret: 's' }); // same account, not this client's order
    await other.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 98, { newClientOrderId: 'someone-else' });
    h.exec.submit(snap('stray-1'));
    h.exec.submit(snap('kept-1', { price: 98.5 }));
    await h.until(() => h.kinds('stray-1').includes('accepted') && h.kinds('kept-1').includes('accepted'));
    h.exec.cancel('stray-1');
    await h.until(() => h.kinds('stray-1').includes('cancelled'));
    expect(atExchange('stray-1')[0].status).toBe('NEW'); // the exchange still has it
    expect(await h.exec.close()).toEqual(['kept-1']);
    const strays = await h.exec.audit(true);
    expect(strays).toEqual([{ clientOrderId: 'stray-1', exchangeId: String(atExchange('stray-1')[0].orderId), status: 'open', filled: 0, amount: 0.01, sessionFilled: 0, cancelled: true }]);
    expect(atExchange('stray-1')[0].status).toBe('CANCELED'); // the check cancelled it
    expect(atExchange('kept-1')[0].status).toBe('NEW'); // followed: not a stray, left to the session's own cancel
    expect(atExchange('someone-else')[0].status).toBe('NEW'); // never this client's
    await other.cancelOrder(String(atExchange('someone-else')[0].orderId), 'BTC/USDT');
    await other.cancelOrder(String(atExchange('kept-1')[0].orderId), 'BTC/USDT');
    await other.close();
    await h.close();
  });

  it('during the session the check runs every auditMillis: a stray is cancelled within a period or two, not left until the end', async () => {
    const h = await client(cancelThatLies(1), undefined, 300); // the order's own cancel lies; the check's is real
    h.exec.submit(snap('stray-3'));
    await h.until(() => h.kinds('stray-3').includes('accepted'));
    h.exec.cancel('stray-3');
    await h.until(() => h.kinds('stray-3').includes('cancelled'));
    const believedAt = Date.now();
    await h.until(() => atExchange('stray-3')[0].status === 'CANCELED', 5000);
    // Ended here at `believedAt`; a check counts it once that is over 1 s old, and checks run every 0.3 s.
    expect(atExchange('stray-3')[0].status).toBe('CANCELED');
    expect(Date.now() - believedAt).toBeLessThan(2500);
    expect(h.log.records.filter((r) => r.level === 'error').map((r) => r.message)).toEqual(['order open at the exchange that the session counted as ended']);
    expect(h.kinds('stray-3')).toEqual(['accepted', 'cancelled']); // nothing more reaches the engine
    await h.exec.close();
    expect((await h.exec.audit(true)).map((s) => [s.clientOrderId, s.cancelled])).toEqual([['stray-3', true]]);
    await h.close();
  });

  it('asked not to cancel, the check only reports the stray', async () => {
    const h = await client(cancelThatLies(Infinity));
    h.exec.submit(snap('stray-2'));
    await h.until(() => h.kinds('stray-2').includes('accepted'));
    h.exec.cancel('stray-2');
    await h.until(() => h.kinds('stray-2').includes('cancelled'));
    await h.exec.close();
    expect((await h.exec.audit(false)).map((s) => [s.clientOrderId, s.cancelled])).toEqual([['stray-2', false]]);
    expect(atExchange('stray-2')[0].status).toBe('NEW');
    const c = await loopbackClient(base, { apiKey: 'k', secret: 's' });
    await c.cancelOrder(String(atExchange('stray-2')[0].orderId), 'BTC/USDT');
    await c.close();
    await h.close();
  });
});

describe('positionGap: the end-of-session position check', () => {
  const account = (balance: () => Promise<Record<string, unknown>>) => ({ fetchBalance: balance }) as unknown as CcxtAccount;
  const logged = () => {
    const log = new MemoryLogger(() => 0);
    return { log, lines: () => log.records.map((r) => `${r.level} ${r.message}`) };
  };

  it('the holding against position less base-asset fees: 0 within half a lot, the difference beyond it (logged as an error)', async () => {
    const btc = (total: number) => account(async () => ({ BTC: { free: total, locked: 0, total } }));
    const quiet = logged();
    // Hand checks, lot 0.001: 0.0499 held = 0.05 position − 0.0001 base fees → 0.
    expect(await positionGap(btc(0.0499), 'BTC', 0.05, 0.0001, 0.001, quiet.log)).toBe(0);
    expect(await positionGap(btc(0.0503), 'BTC', 0.05, 0.0001, 0.001, quiet.log)).toBe(0); // 0.0004 apart: rounding, under half a lot
    expect(quiet.lines()).toEqual([]);
    const loud = logged();
    expect(await positionGap(btc(0.0599), 'BTC', 0.05, 0.0001, 0.001, loud.log)).toBeCloseTo(0.01, 12); // a fill of 0.01 the session never counted
    expect(await positionGap(account(async () => ({})), 'BTC', 0.002, 0, 0.001, loud.log)).toBeCloseTo(-0.002, 12); // no BTC at all
    expect(loud.lines()).toEqual(["error the exchange's holding differs from the session's position", "error the exchange's holding differs from the session's position"]);
  });

  it('a balance that cannot be read: NaN (not checked), a warning; a bug is not swallowed', async () => {
    const w = logged();
    expect(await positionGap(account(async () => { throw new ccxt.RequestTimeout('timed out'); }), 'BTC', 1, 0, 0.001, w.log)).toBeNaN();
    expect(w.lines()).toEqual(['warn end-of-session position check failed: the balance could not be read']);
    await expect(positionGap(account(async () => { throw new TypeError('bug'); }), 'BTC', 1, 0, 0.001, w.log)).rejects.toThrow('bug');
  });
});
