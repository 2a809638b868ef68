import { isMultipleOf, type Instrument } from '../core/instrument.ts';
import { OrderType, RejectReason, Side, type OrderRequest } from '../core/order.ts';
import type { Refusal } from './execution-client.ts';

/** Snaps `x` to the grid `step` in a direction (decimal noise trimmed, as roundToTick does). */
function snap(x: number, step: number, dir: 'down' | 'up'): number {
  const k = x / step;
  const n = dir === 'down' ? Math.floor(k + 1e-9) : Math.ceil(k - 1e-9);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number((n * step).toFixed(Math.min(12, decimals)));
}

/**
 * The `offGrid: round` policy: an order's prices and quantity moved onto the instrument's
 * grid in the direction that never makes it more aggressive — a buy limit down and a sell
 * limit up, a buy stop (triggers above) up and a sell stop down, the quantity down to the
 * lot. Returns the request (the same object when nothing moved), or a refusal when the
 * quantity rounds to nothing.
 */
export function roundOntoGrid(req: OrderRequest, inst: Instrument): OrderRequest | Refusal {
  const buy = req.side === Side.buy;
  const type = req.type ?? OrderType.market;
  const qtyOk = isMultipleOf(req.qty, inst.lotSize);
  const priceOk = req.price === undefined || !Number.isFinite(req.price) || isMultipleOf(req.price, inst.tickSize);
  const stopOk = req.stopPrice === undefined || !Number.isFinite(req.stopPrice) || isMultipleOf(req.stopPrice, inst.tickSize);
  if (qtyOk && priceOk && stopOk) return req;
  const qty = qtyOk ? req.qty : snap(req.qty, inst.lotSize, 'down');
  if (!(qty > 0)) {
    return { reason: RejectReason.invalidQuantity, message: `quantity ${req.qty} rounds down to 0 on the lot size ${inst.lotSize} of ${inst.id}` };
  }
  const out: OrderRequest = { ...req, qty };
  if (!priceOk && type !== OrderType.market) out.price = snap(req.price!, inst.tickSize, buy ? 'down' : 'up');
  if (!stopOk) out.stopPrice = snap(req.stopPrice!, inst.tickSize, buy ? 'up' : 'down');
  return out;
}
