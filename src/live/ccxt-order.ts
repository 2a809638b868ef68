import type { Instrument } from '../core/instrument.ts';
import { OrderStatus, OrderType, Side, TimeInForce, type Order } from '../core/order.ts';
import type { CcxtCapabilitySource } from './ccxt-capabilities.ts';

/** The ccxt calls live order routing uses. */
export interface CcxtTrading extends CcxtCapabilitySource {
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: Record<string, unknown>): Promise<CcxtOrder>;
  cancelOrder(id: string, symbol: string, params?: Record<string, unknown>): Promise<CcxtOrder>;
  fetchOrder(id: string | undefined, symbol: string, params?: Record<string, unknown>): Promise<CcxtOrder>;
  fetchOpenOrders(symbol: string): Promise<CcxtOrder[]>;
  /** Cancels every open order of the symbol in one request (Binance DELETE /api/v3/openOrders). */
  cancelAllOrders?(symbol: string): Promise<CcxtOrder[]>;
  /** ccxt's request spacing (ms) and whether its limiter is on. */
  rateLimit?: number;
  enableRateLimit?: boolean;
  /** ccxt.pro private order stream (the exchange's user-data stream), when the client has it. */
  watchOrders?(symbol: string): Promise<CcxtOrder[]>;
  /** ccxt.pro private trade stream (the same user-data stream, one entry per execution). */
  watchMyTrades?(symbol: string): Promise<CcxtTrade[]>;
  /** The account's executions (Binance `myTrades`; `params.orderId`: one order's). */
  fetchMyTrades?(symbol: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<CcxtTrade[]>;
  /** ccxt's table of what the exchange's client can do (`fetchMyTrades`, `watchMyTrades`, …). */
  has?: Record<string, boolean | string | undefined>;
  /** A market's ticker (Binance GET /api/v3/ticker/24hr): the price of an asset a commission was charged in. */
  fetchTicker?(symbol: string): Promise<CcxtTicker>;
  /** ccxt options (Binance: `recvWindow`, how late a signed request may still be accepted). */
  options?: Record<string, unknown>;
}

/** The fields of a ccxt ticker we read. */
export interface CcxtTicker {
  last?: number;
  bid?: number;
  ask?: number;
}

/** A ticker's price: its last trade's, else the bid/ask midpoint (NaN without either). */
export function tickerPrice(t: CcxtTicker): number {
  return t.last ?? ((t.bid ?? Number.NaN) + (t.ask ?? Number.NaN)) / 2;
}

/** The fields of a ccxt order we read. */
export interface CcxtOrder {
  id: string;
  clientOrderId?: string;
  status?: string;
  side?: string;
  type?: string;
  price?: number;
  amount?: number;
  filled?: number;
  average?: number;
  cost?: number;
  triggerPrice?: number;
  /** Cumulative fee of the order (ccxt sums the executions it saw); currency base or quote. */
  fee?: { cost?: number; currency?: string };
  postOnly?: boolean;
  /** The exchange's raw order (Binance REST `isWorking`, stream `w`: a stop has triggered). */
  info?: Record<string, unknown>;
  /** Its executions, when the answer lists them (Binance's FULL order response). */
  trades?: CcxtTrade[];
}

/** The fields of a ccxt trade (one execution of an order) we read. */
export interface CcxtTrade {
  /** The exchange's trade id: each execution is booked once by it. */
  id?: string;
  /** The exchange order it executed (absent in an order response's own list). */
  order?: string;
  amount?: number;
  price?: number;
  /** When it executed (ms). */
  timestamp?: number;
  /** Its commission (a quote, base or other currency). */
  fee?: { cost?: number; currency?: string };
}

/** An engine order object for an order found open at the exchange (reconciliation). */
export function orderFromExchange(r: CcxtOrder, instrument: Instrument, now: number): Order {
  const type = String(r.type ?? 'limit').toLowerCase();
  const stopLimit = type.includes('stop') || type.includes('take_profit');
  return {
    id: r.clientOrderId ?? `ex-${r.id}`, instrumentId: instrument.id, side: r.side === 'sell' ? Side.sell : Side.buy,
    type: type === 'market' ? OrderType.market : stopLimit ? OrderType.stopLimit : OrderType.limit, tif: TimeInForce.GTC, postOnly: r.postOnly ?? false, reduceOnly: false,
    qty: r.amount ?? 0, price: r.price ?? Number.NaN, stopPrice: stopLimit ? r.triggerPrice ?? Number.NaN : Number.NaN,
    status: (r.filled ?? 0) > 0 ? OrderStatus.partiallyFilled : OrderStatus.accepted,
    filledQty: r.filled ?? 0, avgFillPrice: r.average ?? Number.NaN, fees: 0, createdTs: now, updatedTs: now, reason: undefined, tag: 'adopted', emulated: [],
  };
}
