import { describe, expect, it } from 'vitest';
import { EmulatedFeature, isOrderType, isTimeInForce, NO_FEATURES, OrderStatus, OrderType, Side, TimeInForce, type Order } from '../core/order.ts';
import { ALL_CAPABILITIES, carriesEverything, routeOrder, routerFor, withoutFeatures } from './order-routing.ts';
import { BarBroker } from '../sim/bar-broker.ts';
import { L2Venue } from '../sim/l2-venue.ts';
import type { VenueCapabilities } from './execution-client.ts';

const NOT_NAMES: unknown[] = ['Market', 'MARKET', 'stoplimit', 'stop_limit', 'gtc', 'Day', '', ' GTC', undefined, null, 0, 1, {}, { toString: () => 'market' }, ['market']];

function order(type: OrderType, tif: TimeInForce, postOnly: boolean, reduceOnly: boolean): Order {
  return {
    id: 'O-1', instrumentId: 'X', side: Side.buy, type, tif, postOnly, reduceOnly, qty: 1, price: 100, stopPrice: 99,
    status: OrderStatus.submitted, filledQty: 0, avgFillPrice: Number.NaN, fees: 0, createdTs: 0, updatedTs: 0, reason: undefined, tag: undefined,
    emulated: NO_FEATURES,
  };
}

/** Every combination of a valid order's routing terms. */
const EVERY_ORDER = Object.values(OrderType).flatMap((type) => Object.values(TimeInForce).flatMap((tif) =>
  [false, true].flatMap((postOnly) => [false, true].map((reduceOnly) => order(type, tif, postOnly, reduceOnly)))));

describe('order type and time-in-force names', () => {
  it('isOrderType and isTimeInForce accept exactly the names of OrderType and TimeInForce', () => {
    for (const t of Object.values(OrderType)) expect(isOrderType(t)).toBe(true);
    for (const t of Object.values(TimeInForce)) expect(isTimeInForce(t)).toBe(true);
    for (const t of Object.values(TimeInForce)) expect(isOrderType(t)).toBe(false);
    for (const t of Object.values(OrderType)) expect(isTimeInForce(t)).toBe(false);
    for (const x of NOT_NAMES) {
      expect(isOrderType(x)).toBe(false);
      expect(isTimeInForce(x)).toBe(false);
    }
    // A name built at run time (not the interned literal) is the same name.
    expect(isOrderType(['stop', 'limit'].join('-'))).toBe(true);
    expect(isTimeInForce(String.fromCharCode(68, 65, 89))).toBe(true);
  });
});

describe('carriesEverything', () => {
  const variants: Array<[string, VenueCapabilities]> = [
    ['every capability', ALL_CAPABILITIES],
    ...Object.values(EmulatedFeature).map((f): [string, VenueCapabilities] => [`without ${f}`, withoutFeatures(ALL_CAPABILITIES, [f])]),
    ['no post-only', { ...ALL_CAPABILITIES, postOnly: false }],
    ['no reduce-only', { ...ALL_CAPABILITIES, reduceOnly: false }],
    ['the bar broker', new BarBroker({ instruments: [] }).capabilities],
    ['the L2 venue', new L2Venue({ instruments: [] } as never).capabilities],
  ];

  it('is true exactly when routeOrder sends every valid order to the venue as it is', () => {
    for (const [name, caps] of variants) {
      const allNative = EVERY_ORDER.every((o) => routeOrder(o, caps, false) === NO_FEATURES);
      expect(carriesEverything(caps), name).toBe(allNative);
    }
    expect(carriesEverything(ALL_CAPABILITIES)).toBe(true);
    expect(variants.filter(([, c]) => !carriesEverything(c)).length).toBeGreaterThanOrEqual(6);
  });

  it('routerFor routes every valid order as routeOrder does, held locally or not', () => {
    for (const [name, caps] of variants) {
      const route = routerFor(caps);
      for (const o of EVERY_ORDER) for (const hold of [false, true]) expect(route(o, hold), `${name}, ${o.type} ${o.tif}`).toEqual(routeOrder(o, caps, hold));
    }
  });
});
