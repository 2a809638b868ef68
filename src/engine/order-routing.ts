import { EmulatedFeature, NO_FEATURES, OrderType, RejectReason, snapshotOf, TimeInForce, type Order, type OrderSnapshot } from '../core/order.ts';
import type { Refusal, VenueCapabilities } from './execution-client.ts';

/** Every order type, time in force and flag: what a simulated venue that carries everything declares. */
export const ALL_CAPABILITIES: VenueCapabilities = Object.freeze({
  orderTypes: new Set(Object.values(OrderType)),
  timeInForce: new Set(Object.values(TimeInForce)),
  postOnly: true,
  reduceOnly: true,
  reservesBalance: false,
});

/** Capabilities with some features taken away (a backtest configured like a venue that lacks them). */
export function withoutFeatures(caps: VenueCapabilities, features: readonly EmulatedFeature[]): VenueCapabilities {
  if (features.length === 0) return caps;
  const types = new Set(caps.orderTypes);
  const tifs = new Set(caps.timeInForce);
  if (features.includes(EmulatedFeature.stop)) types.delete(OrderType.stop);
  if (features.includes(EmulatedFeature.stopLimit)) types.delete(OrderType.stopLimit);
  if (features.includes(EmulatedFeature.day)) tifs.delete(TimeInForce.DAY);
  return {
    orderTypes: types, timeInForce: tifs, postOnly: caps.postOnly, reduceOnly: caps.reduceOnly && !features.includes(EmulatedFeature.reduceOnly),
    reservesBalance: caps.reservesBalance,
  };
}

/** The type an emulated stop goes to the venue as, once triggered. */
export function releasedType(type: OrderType): OrderType {
  return type === OrderType.stop ? OrderType.market : type === OrderType.stopLimit ? OrderType.limit : type;
}

function unsupported(message: string): Refusal {
  return { reason: RejectReason.unsupportedOrderType, message };
}

/**
 * Decides how an order reaches a venue: natively, with some features emulated by the
 * engine (stop and stop-limit held and triggered locally, DAY expired locally,
 * reduce-only kept reducing), or not at all — a refusal naming what the venue lacks.
 * Nothing is ever converted silently. `holdLocally` keeps a stop type in the emulator even
 * where the venue carries it.
 */
export function routeOrder(o: Readonly<Order>, caps: VenueCapabilities, holdLocally = false): Refusal | readonly EmulatedFeature[] {
  // The common case, on the path of every order: the venue carries it as it is.
  if (caps.orderTypes.has(o.type) && caps.timeInForce.has(o.tif) && !holdLocally && (!o.postOnly || caps.postOnly) && (!o.reduceOnly || caps.reduceOnly)) return NO_FEATURES;
  const features: EmulatedFeature[] = [];
  const stopType = o.type === OrderType.stop || o.type === OrderType.stopLimit;
  if (!caps.orderTypes.has(o.type) || (stopType && holdLocally)) {
    if (!stopType) return unsupported(`the venue does not accept ${o.type} orders`);
    features.push(o.type === OrderType.stop ? EmulatedFeature.stop : EmulatedFeature.stopLimit);
    if (!caps.orderTypes.has(releasedType(o.type))) return unsupported(`the venue accepts neither ${o.type} nor ${releasedType(o.type)} orders, so a ${o.type} cannot be emulated`);
  }
  if (!caps.timeInForce.has(o.tif)) {
    if (o.tif !== TimeInForce.DAY) return unsupported(`the venue does not support time in force ${o.tif}`);
    if (!caps.timeInForce.has(TimeInForce.GTC)) return unsupported('the venue supports neither DAY nor GTC orders, so DAY cannot be emulated');
    features.push(EmulatedFeature.day);
  }
  if (o.postOnly && !caps.postOnly) return unsupported('the venue has no post-only orders');
  if (o.reduceOnly && !caps.reduceOnly) features.push(EmulatedFeature.reduceOnly);
  return features.length === 0 ? NO_FEATURES : features;
}

/** True when a venue carries every order type, time in force and flag: every valid order goes to it as it is (routeOrder gives NO_FEATURES unless told to hold it locally). */
export function carriesEverything(caps: VenueCapabilities): boolean {
  return Object.values(OrderType).every((t) => caps.orderTypes.has(t)) && Object.values(TimeInForce).every((t) => caps.timeInForce.has(t)) && caps.postOnly && caps.reduceOnly;
}

/** An order's route to a venue with these capabilities (as routeOrder), per order. */
export type OrderRouter = (o: Readonly<Order>, holdLocally: boolean) => Refusal | readonly EmulatedFeature[];

/**
 * routeOrder for one venue's capabilities, with what they allow decided once: a venue that
 * carries everything takes every valid order as it is unless it is held locally, with no Set
 * lookups per order (the bar broker's and every fully featured venue's case).
 */
export function routerFor(caps: VenueCapabilities): OrderRouter {
  if (!carriesEverything(caps)) return (o, holdLocally) => routeOrder(o, caps, holdLocally);
  return (o, holdLocally) => (holdLocally ? routeOrder(o, caps, true) : NO_FEATURES);
}

/**
 * The venue's copy of an order, sent as `type` (a triggered emulated stop goes as its released
 * type): the features the engine emulates stripped — DAY goes as GTC, reduce-only as a plain
 * order. The venue keeps its own copy; the engine's order is never shared with it.
 */
export function venueCopy(o: Order, type: OrderType): OrderSnapshot {
  if (o.emulated.length === 0) return snapshotOf(o);
  const stopLike = type !== o.type;
  return snapshotOf(o, {
    type,
    ...(stopLike ? { stopPrice: Number.NaN, price: type === OrderType.market ? Number.NaN : o.price } : {}),
    ...(o.emulated.includes(EmulatedFeature.day) ? { tif: TimeInForce.GTC } : {}),
    ...(o.emulated.includes(EmulatedFeature.reduceOnly) ? { reduceOnly: false } : {}),
  });
}
