import { describe, expect, it } from 'vitest';
import { InvariantError } from '../core/errors.ts';
import { defineInstrument } from '../core/instrument.ts';
import { OrderType, TimeInForce, type OrderSnapshot } from '../core/order.ts';
import { MICROS_PER_DAY } from '../core/time.ts';
import { Engine } from './engine.ts';
import type { ExecutionClient, OrderAmendment, OrderEventSink, VenueCapabilities, VenueEvent } from './execution-client.ts';
import { MemoryLogger } from './logger.ts';
import { ALL_CAPABILITIES } from './order-routing.ts';
import { ENDED_KEPT } from './order-registry.ts';
import { SimClock } from './sim-clock.ts';
import type { Context, Strategy } from './strategy.ts';

const inst = defineInstrument({ symbol: 'T', tickSize: 0.5, lotSize: 1 });
const T0 = Date.UTC(2024, 0, 2, 9) * 1000;

/** A venue that only records commands; the test plays its answers with `emit`. */
class ScriptedVenue implements ExecutionClient {
  sink!: OrderEventSink;
  readonly sent: OrderSnapshot[] = [];
  readonly commands: string[] = [];
  reconciled: string[] = [];
  constructor(readonly capabilities: VenueCapabilities = ALL_CAPABILITIES) {}
  bind(sink: OrderEventSink): void { this.sink = sink; }
  submit(o: OrderSnapshot) { this.sent.push(o); this.commands.push(`submit ${o.id} ${o.type} ${o.tif}${o.reduceOnly ? ' reduce-only' : ''}`); return null; }
  cancel(id: string) { this.commands.push(`cancel ${id}`); }
  replace(id: string, t: OrderAmendment) { this.commands.push(`replace ${id} ${t.qty}@${t.price}`); return null; }
  reconcile(id: string) { this.reconciled.push(id); }
  emit(e: VenueEvent) { this.sink.onVenueEvent(e); }
}

function setup(o: { caps?: VenueCapabilities; strategy?: Strategy; illegal?: 'throw' | 'log' } = {}) {
  const clock = new SimClock(T0);
  const venue = new ScriptedVenue(o.caps);
  const engine = new Engine({ instruments: [inst], cash: 1e6, venue, clock, logger: new MemoryLogger(() => clock.now()), strategy: o.strategy ?? {}, onIllegalOrderEvent: o.illegal });
  const events: string[] = [];
  engine.listen({ order: (e) => events.push(`${e.order.id} ${e.kind}`) });
  engine.start();
  const trade = (ts: number, price: number) => engine.onTrade({ instrumentId: inst.id, instrumentIndex: 0, ts, tsLocal: ts, price, qty: 1, aggressor: 1 });
  return { engine, venue, events, trade, clock };
}

const caps = (o: Partial<{ types: OrderType[]; tifs: TimeInForce[]; postOnly: boolean; reduceOnly: boolean }>): VenueCapabilities => ({
  orderTypes: new Set(o.types ?? [OrderType.market, OrderType.limit]), timeInForce: new Set(o.tifs ?? [TimeInForce.GTC]),
  postOnly: o.postOnly ?? false, reduceOnly: o.reduceOnly ?? false, reservesBalance: false,
});

describe('order flow: commands out, events in', () => {
  it("a fee reported after its fill is paid by the account, changes nothing else and no order's status; the order's record counts it", () => {
    const { engine, venue, events } = setup();
    const o = engine.act((ctx) => { const r = ctx.buy(2, { type: 'limit', price: 10 }); if (!r.ok) throw new Error(); return r.order; });
    venue.emit({ kind: 'accepted', orderId: o.id });
    venue.emit({ kind: 'fill', orderId: o.id, price: 10, qty: 2, fee: 0.5, liquidity: 'maker' });
    const before = events.length;
    venue.emit({ kind: 'fee', orderId: o.id, fee: 0.25 }); // the trade's commission, reported after the order's fill
    // Hand check: cash 1e6 − 2 × 10 − 0.5 − 0.25; fees 0.75; the position and the order's status as they were.
    expect(engine.portfolio.cash).toBeCloseTo(1e6 - 20 - 0.75, 9);
    expect(engine.portfolio.fees).toBeCloseTo(0.75, 12);
    expect(engine.portfolio.position(0)).toBe(2);
    expect(o).toMatchObject({ status: 'filled', filledQty: 2 });
    expect(events.length).toBe(before); // no order event for the strategy
    expect(engine.orders.find((x) => x.id === o.id)!.fees).toBeCloseTo(0.75, 12); // the result's record of it too
    venue.emit({ kind: 'fee', orderId: 'not-ours', fee: 0.1 }); // an order the engine does not know: the account pays it all the same
    expect(engine.portfolio.fees).toBeCloseTo(0.85, 12);
    expect(engine.illegalOrderEvents).toBe(0);
  });

  it('the venue gets a snapshot, never the engine order; the engine order changes only with events', () => {
    const { engine, venue } = setup();
    const o = engine.act((ctx) => { const r = ctx.buy(2, { type: 'limit', price: 10 }); if (!r.ok) throw new Error(); return r.order; });
    const snap = venue.sent[0];
    expect(snap).not.toBe(o);
    expect(snap).toEqual({ id: o.id, instrumentId: inst.id, side: 'buy', type: 'limit', tif: 'GTC', postOnly: false, reduceOnly: false, qty: 2, price: 10, stopPrice: Number.NaN, createdTs: T0 });
    expect(o.status).toBe('submitted');
    venue.emit({ kind: 'accepted', orderId: o.id });
    venue.emit({ kind: 'fill', orderId: o.id, price: 10, qty: 1, fee: 0, liquidity: 'maker' });
    expect(o).toMatchObject({ status: 'partially-filled', filledQty: 1 });
    expect(snap.qty).toBe(2);
    expect(Object.keys(snap)).not.toContain('status');
    engine.act((ctx) => ctx.replace(o.id, { qty: 3, price: 9.5 }));
    expect(o).toMatchObject({ status: 'pending-update', qty: 2, price: 10 }); // the venue's terms until it answers
    venue.emit({ kind: 'updated', orderId: o.id, qty: 3, price: 9.5, stopPrice: Number.NaN });
    expect(o).toMatchObject({ status: 'partially-filled', qty: 3, price: 9.5 });
    expect(venue.commands).toEqual([`submit ${o.id} limit GTC`, `replace ${o.id} 3@9.5`]);
  });

  it('order events reach onOrder after the callback that caused them, in arrival order', () => {
    const seen: string[] = [];
    let venue!: ScriptedVenue;
    const strategy: Strategy = {
      onTrade: (_t, ctx) => {
        const r = ctx.buy(1);
        venue.emit({ kind: 'accepted', orderId: r.ok ? r.order.id : '' }); // an answer arriving "at once"
        seen.push(`in onTrade: ${r.ok ? r.order.status : ''}`);
      },
      onOrder: (e) => seen.push(`onOrder ${e.kind} ${e.status}`),
    };
    const s = setup({ strategy });
    venue = s.venue;
    s.trade(T0 + 1, 10);
    expect(seen).toEqual(['in onTrade: submitted', 'onOrder submitted submitted', 'onOrder accepted accepted']);
  });

  it('an event the lifecycle does not allow is an invariant error in backtests; live it is logged and the venue asked to re-read the order', () => {
    const bt = setup();
    const a = bt.engine.act((ctx) => { const r = ctx.buy(1); if (!r.ok) throw new Error(); return r.order; });
    expect(() => bt.venue.emit({ kind: 'triggered', orderId: a.id })).toThrow(InvariantError);
    const live = setup({ illegal: 'log' });
    const b = live.engine.act((ctx) => { const r = ctx.buy(1); if (!r.ok) throw new Error(); return r.order; });
    live.venue.emit({ kind: 'accepted', orderId: b.id });
    live.venue.emit({ kind: 'fill', orderId: b.id, price: 10, qty: 2, fee: 0, liquidity: 'taker' }); // more than the order
    live.venue.emit({ kind: 'fill', orderId: 'nobody', price: 10, qty: 1, fee: 0, liquidity: 'taker' });
    expect(live.engine.illegalOrderEvents).toBe(2);
    expect(live.venue.reconciled).toEqual([b.id, 'nobody']);
    expect(b).toMatchObject({ status: 'accepted', filledQty: 0 });
  });

  it('the answer to a cancel of an order that ended long ago changes nothing; recent ones still reach the listeners', () => {
    const { engine, venue, events } = setup({ illegal: 'log' });
    const ids: string[] = [];
    // ENDED_KEPT + 1 orders, each filled while its cancel is on its way: each waits for a late answer.
    for (let k = 0; k <= ENDED_KEPT; k++) {
      const o = engine.act((ctx) => { const r = ctx.buy(1, { type: 'limit', price: 10 }); if (!r.ok) throw new Error(); return r.order; });
      venue.emit({ kind: 'accepted', orderId: o.id });
      engine.act((ctx) => ctx.cancel(o.id));
      venue.emit({ kind: 'fill', orderId: o.id, price: 10, qty: 1, fee: 0, liquidity: 'maker' });
      ids.push(o.id);
    }
    // The first one's answer comes after ENDED_KEPT later orders ended so: too late to matter, not an error.
    venue.emit({ kind: 'cancel-rejected', orderId: ids[0], reason: 'too-late' });
    expect(events).not.toContain(`${ids[0]} cancel-rejected`);
    expect(engine.illegalOrderEvents).toBe(0);
    venue.emit({ kind: 'cancel-rejected', orderId: ids[ENDED_KEPT], reason: 'too-late' });
    expect(events).toContain(`${ids[ENDED_KEPT]} cancel-rejected`);
    // Anything else for an order it no longer knows, or an answer about an order it never sent, is still illegal.
    venue.emit({ kind: 'fill', orderId: ids[0], price: 10, qty: 1, fee: 0, liquidity: 'maker' });
    venue.emit({ kind: 'cancel-rejected', orderId: 'X-1', reason: 'too-late' });
    expect(engine.illegalOrderEvents).toBe(2);
    expect(venue.reconciled).toEqual([ids[0], 'X-1']);
    expect(engine.portfolio.position(0)).toBe(ENDED_KEPT + 1);
  });
});

describe('order routing: carried, emulated or refused — never converted', () => {
  const refused = (c: VenueCapabilities, req: Parameters<Context['submit']>[0]) => setup({ caps: c }).engine.act((ctx) => ctx.submit(req));

  it('refuses what the venue cannot carry and the engine cannot emulate, naming it', () => {
    expect(refused(caps({}), { side: 'buy', qty: 1, type: 'limit', price: 10, tif: 'IOC' })).toMatchObject({ ok: false, reason: 'unsupported-order-type', message: 'the venue does not support time in force IOC' });
    expect(refused(caps({}), { side: 'buy', qty: 1, type: 'limit', price: 10, postOnly: true })).toMatchObject({ ok: false, reason: 'unsupported-order-type', message: 'the venue has no post-only orders' });
    expect(refused(caps({ types: [OrderType.limit] }), { side: 'buy', qty: 1, type: 'stop', stopPrice: 10 })).toMatchObject({ ok: false, reason: 'unsupported-order-type' });
    expect(refused(caps({ types: [OrderType.limit] }), { side: 'buy', qty: 1 })).toMatchObject({ ok: false, message: 'the venue does not accept market orders' });
  });

  it('emulates a stop: held (accepted by the engine), triggered on the trade at its price, then sent as a market order', () => {
    const s = setup({ caps: caps({}) });
    const o = s.engine.act((ctx) => { const r = ctx.buy(1, { type: 'stop', stopPrice: 12 }); if (!r.ok) throw new Error(r.message); return r.order; });
    expect(o).toMatchObject({ status: 'accepted', emulated: ['stop'] });
    expect(s.venue.commands).toEqual([]);
    s.trade(T0 + 1, 11.5);
    expect(s.venue.commands).toEqual([]);
    s.trade(T0 + 2, 12);
    expect(s.venue.commands).toEqual([`submit ${o.id} market GTC`]);
    expect(s.venue.sent[0].stopPrice).toBeNaN();
    s.venue.emit({ kind: 'accepted', orderId: o.id }); // the venue's acknowledgement of the released order is not news
    s.venue.emit({ kind: 'fill', orderId: o.id, price: 12.5, qty: 1, fee: 0, liquidity: 'taker' });
    expect(s.events).toEqual([`${o.id} submitted`, `${o.id} accepted`, `${o.id} triggered`, `${o.id} filled`]);
  });

  it('emulates DAY: sent as GTC, cancelled at the end of its UTC day, reported as expired', () => {
    const s = setup({ caps: caps({}) });
    const o = s.engine.act((ctx) => { const r = ctx.buy(1, { type: 'limit', price: 10, tif: 'DAY' }); if (!r.ok) throw new Error(r.message); return r.order; });
    s.venue.emit({ kind: 'accepted', orderId: o.id });
    expect(s.venue.commands).toEqual([`submit ${o.id} limit GTC`]);
    s.trade(T0 + 1, 11); // same day: nothing
    s.trade((Math.floor(T0 / MICROS_PER_DAY) + 1) * MICROS_PER_DAY, 11); // midnight
    expect(s.venue.commands).toEqual([`submit ${o.id} limit GTC`, `cancel ${o.id}`]);
    expect(o.status).toBe('accepted'); // no pending-cancel shown for the engine's own expiry
    s.venue.emit({ kind: 'cancelled', orderId: o.id, reason: 'cancelled' });
    expect(o).toMatchObject({ status: 'expired', reason: 'day order expired' });
  });

  it('emulates reduce-only: sent plain, trimmed when the position shrinks under it, cancelled when it is gone', () => {
    const s = setup({ caps: caps({}) });
    const buy = s.engine.act((ctx) => { const r = ctx.buy(3); if (!r.ok) throw new Error(); return r.order; });
    s.venue.emit({ kind: 'accepted', orderId: buy.id });
    s.venue.emit({ kind: 'fill', orderId: buy.id, price: 10, qty: 3, fee: 0, liquidity: 'taker' });
    const ro = s.engine.act((ctx) => { const r = ctx.sell(3, { type: 'limit', price: 20, reduceOnly: true }); if (!r.ok) throw new Error(r.message); return r.order; });
    s.venue.emit({ kind: 'accepted', orderId: ro.id });
    expect(s.venue.commands[1]).toBe(`submit ${ro.id} limit GTC`); // no reduce-only flag at the venue
    const other = s.engine.act((ctx) => { const r = ctx.sell(1); if (!r.ok) throw new Error(); return r.order; });
    s.venue.emit({ kind: 'accepted', orderId: other.id });
    s.venue.emit({ kind: 'fill', orderId: other.id, price: 10, qty: 1, fee: 0, liquidity: 'taker' }); // position 3 → 2
    expect(s.venue.commands.at(-1)).toBe(`replace ${ro.id} 2@20`);
    s.venue.emit({ kind: 'updated', orderId: ro.id, qty: 2, price: 20, stopPrice: Number.NaN });
    const flat = s.engine.act((ctx) => { const r = ctx.sell(2); if (!r.ok) throw new Error(); return r.order; });
    s.venue.emit({ kind: 'accepted', orderId: flat.id });
    s.venue.emit({ kind: 'fill', orderId: flat.id, price: 10, qty: 2, fee: 0, liquidity: 'taker' }); // position 0
    expect(s.venue.commands.at(-1)).toBe(`cancel ${ro.id}`);
    s.venue.emit({ kind: 'cancelled', orderId: ro.id, reason: 'cancelled' });
    expect(ro).toMatchObject({ status: 'cancelled', reason: 'reduce-only-would-increase', qty: 2 });
  });
});

describe("the logs' id columns", () => {
  it('give back the id each order was issued or adopted with: filled, refused at the route, adopted from the venue', () => {
    const { engine, venue } = setup({ caps: caps({}) });
    const adopted = (id: string) => ({
      id, instrumentId: inst.id, side: 'buy' as const, type: OrderType.limit, tif: TimeInForce.GTC, postOnly: false, reduceOnly: false, qty: 1, price: 9,
      stopPrice: Number.NaN, status: 'accepted' as const, filledQty: 0, avgFillPrice: Number.NaN, fees: 0, createdTs: T0, updatedTs: T0, reason: undefined, tag: undefined,
      emulated: [],
    });
    // 'O-77' has the engine's form but was never issued here; 'X-1' has another form.
    engine.adopt(adopted('O-77'));
    engine.adopt(adopted('X-1'));
    const ids = engine.act((ctx) => {
      const out: string[] = [];
      for (let k = 0; k < 1_005; k++) { // past the first thousand: ids whose digits are written in two parts
        const r = ctx.buy(1, k === 3 ? { type: 'limit', price: 10, tif: 'IOC' } : { type: 'limit', price: 10 }); // the fourth is refused at the route
        out.push(r.ok ? r.order.id : `refused ${k}`);
      }
      return out;
    });
    expect(ids[3]).toBe('refused 3');
    const issued = ids.filter((id) => !id.startsWith('refused'));
    for (const id of ['O-77', 'X-1', ...issued]) {
      if (id !== 'O-77' && id !== 'X-1') venue.emit({ kind: 'accepted', orderId: id }); // the adopted ones are working already
      venue.emit({ kind: 'fill', orderId: id, price: 10, qty: 1, fee: 0, liquidity: 'maker' });
    }
    // The issue order, by hand: O-1…O-3, O-4 (refused, logged without reaching the venue), O-5…O-1005.
    const logged = engine.orderLog.toArray().map((o) => o.id);
    expect(logged.slice(0, 6)).toEqual(['O-77', 'X-1', 'O-1', 'O-2', 'O-3', 'O-4']);
    expect(logged).toEqual(['O-77', 'X-1', ...Array.from({ length: 1_005 }, (_, k) => `O-${k + 1}`)]);
    expect(engine.orderLog.toArray()[5]).toMatchObject({ id: 'O-4', status: 'rejected' });
    expect(engine.fills.map((f) => f.orderId)).toEqual(['O-77', 'X-1', ...issued]);
    expect(issued.at(-1)).toBe('O-1005');
  });
});
