import { isMultipleOf, type Instrument } from '../core/instrument.ts';
import { isOrderType, isTimeInForce, OrderType, RejectReason, Side, type OrderRequest } from '../core/order.ts';
import type { Refusal } from './execution-client.ts';

function refuse(reason: RejectReason, message: string): Refusal {
  return { reason, message };
}

/** Checks an order request against its instrument's grid and the order type's rules. */
export function validateOrderRequest(req: OrderRequest, inst: Instrument): Refusal | null {
  const type = req.type ?? OrderType.market;
  if (!isOrderType(type)) return refuse(RejectReason.invalidPrice, `unknown order type "${type}"`);
  if (req.tif !== undefined && !isTimeInForce(req.tif)) return refuse(RejectReason.invalidPrice, `unknown time in force "${req.tif}"`);
  if (req.side !== Side.buy && req.side !== Side.sell) return refuse(RejectReason.invalidQuantity, `side must be buy or sell, got "${String(req.side)}"`);
  if (!(Number.isFinite(req.qty) && req.qty > 0)) {
    return refuse(RejectReason.invalidQuantity, `quantity must be a positive number, got ${req.qty}`);
  }
  if (!isMultipleOf(req.qty, inst.lotSize)) {
    return refuse(RejectReason.invalidQuantity, `quantity ${req.qty} is not a multiple of the lot size ${inst.lotSize} of ${inst.id}`);
  }
  const needsPrice = type === OrderType.limit || type === OrderType.stopLimit;
  const needsStop = type === OrderType.stop || type === OrderType.stopLimit;
  const bad = checkPrice('price', needsPrice, req.price, type, inst) ?? checkPrice('stopPrice', needsStop, req.stopPrice, type, inst);
  if (bad) return bad;
  if (req.postOnly && type !== OrderType.limit) return refuse(RejectReason.invalidPrice, 'post-only applies to limit orders only');
  const px = req.price ?? req.stopPrice;
  if (inst.minNotional > 0 && px !== undefined && px * req.qty * inst.multiplier < inst.minNotional * (1 - 1e-12)) {
    return refuse(RejectReason.invalidQuantity, `order value ${px * req.qty * inst.multiplier} is below the venue's minimum ${inst.minNotional} for ${inst.id}`);
  }
  if (req.emulate && !needsStop) return refuse(RejectReason.invalidPrice, 'emulate applies to stop and stop-limit orders only');
  return null;
}

function checkPrice(field: string, needed: boolean, value: number | undefined, type: string, inst: Instrument): Refusal | null {
  if (needed && value === undefined) return refuse(RejectReason.missingPrice, `${type} order needs ${field}`);
  if (!needed && value !== undefined) return refuse(RejectReason.invalidPrice, `${type} order takes no ${field}`);
  if (value === undefined) return null;
  if (!(Number.isFinite(value) && value > 0)) return refuse(RejectReason.invalidPrice, `${field} must be a positive number, got ${value}`);
  if (!isMultipleOf(value, inst.tickSize)) {
    return refuse(RejectReason.invalidPrice, `${field} ${value} is not on the tick grid ${inst.tickSize} of ${inst.id}`);
  }
  return null;
}
