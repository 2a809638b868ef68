import { OrderType, TimeInForce, type OrderSnapshot } from '../core/order.ts';
import type { VenueCapabilities } from '../engine/execution-client.ts';

/** The parts of a ccxt exchange that say what it can carry. */
export interface CcxtCapabilitySource {
  /** Loaded markets: `info.orderTypes` is the venue's own list where it has one (Binance). */
  markets?: Record<string, { type?: string; info?: { orderTypes?: unknown } } | undefined>;
  /** ccxt's unified feature table: `features[marketType].createOrder`. */
  features?: Record<string, { createOrder?: CreateOrderFeatures } | undefined>;
}

interface CreateOrderFeatures {
  triggerPrice?: boolean;
  timeInForce?: { IOC?: boolean; FOK?: boolean; PO?: boolean; GTD?: boolean };
  reduceOnly?: boolean;
}

/**
 * What a ccxt venue carries for one symbol. The venue's own order-type list (Binance
 * `exchangeInfo` → `orderTypes`) is authoritative where it exists — BTCUSDT spot lists
 * STOP_LOSS_LIMIT but not STOP_LOSS, so a stop-limit goes out natively and a plain stop is
 * emulated; otherwise ccxt's feature table decides. No venue has DAY orders through ccxt:
 * the engine expires them.
 */
export function ccxtCapabilities(ex: CcxtCapabilitySource, symbol: string): VenueCapabilities {
  const market = ex.markets?.[symbol];
  const f = ex.features?.[market?.type ?? 'spot']?.createOrder ?? {};
  const listed = Array.isArray(market?.info?.orderTypes) ? new Set((market!.info!.orderTypes as unknown[]).map(String)) : null;
  const types = new Set<OrderType>([OrderType.market, OrderType.limit]);
  if (listed ? listed.has('STOP_LOSS_LIMIT') || listed.has('STOP') : f.triggerPrice === true) types.add(OrderType.stopLimit);
  if (listed ? listed.has('STOP_LOSS') || listed.has('STOP_MARKET') : f.triggerPrice === true) types.add(OrderType.stop);
  const tifs = new Set<TimeInForce>([TimeInForce.GTC]);
  if (f.timeInForce?.IOC) tifs.add(TimeInForce.IOC);
  if (f.timeInForce?.FOK) tifs.add(TimeInForce.FOK);
  const postOnly = listed ? listed.has('LIMIT_MAKER') : f.timeInForce?.PO === true;
  // Spot venues reserve a resting order's funds (its quote for a buy, its base for a sell).
  return { orderTypes: types, timeInForce: tifs, postOnly, reduceOnly: f.reduceOnly === true, reservesBalance: (market?.type ?? 'spot') === 'spot' };
}

/** The arguments of ccxt `createOrder` for an order the venue carries natively. */
export interface CcxtOrderArgs {
  readonly type: 'market' | 'limit';
  readonly price: number | undefined;
  readonly params: Record<string, unknown>;
}

/**
 * Maps an order to ccxt's unified `createOrder` arguments: a stop-limit is a limit with a
 * `triggerPrice` (Binance spot: STOP_LOSS_LIMIT), a stop a market order with one
 * (STOP_LOSS), post-only a `postOnly` limit (LIMIT_MAKER); IOC/FOK go as `timeInForce`.
 */
export function ccxtOrderArgs(o: OrderSnapshot, clientOrderId: string): CcxtOrderArgs {
  const params: Record<string, unknown> = { clientOrderId };
  const limit = o.type === OrderType.limit || o.type === OrderType.stopLimit;
  if (o.type === OrderType.stop || o.type === OrderType.stopLimit) params.triggerPrice = o.stopPrice;
  if (o.postOnly) params.postOnly = true;
  if (o.reduceOnly) params.reduceOnly = true;
  if (o.tif === TimeInForce.IOC || o.tif === TimeInForce.FOK) params.timeInForce = o.tif;
  return { type: limit ? 'limit' : 'market', price: limit ? o.price : undefined, params };
}
