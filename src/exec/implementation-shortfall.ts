import type { Side } from '../core/order.ts';

/** Implementation shortfall (Perold 1988) of an execution against its arrival price. */
export interface Shortfall {
  readonly side: Side;
  readonly arrivalPrice: number;
  readonly targetQty: number;
  readonly filledQty: number;
  /** Volume-weighted fill price (NaN without fills). */
  readonly avgPrice: number;
  /** Σ qty·(price − arrival) for buys, Σ qty·(arrival − price) for sells. */
  readonly executionCost: number;
  /** Fees paid (rebates negative). */
  readonly fees: number;
  /** Unfilled quantity marked at `endPrice`: the move it missed. */
  readonly opportunityCost: number;
  /** executionCost + fees + opportunityCost (positive = cost). */
  readonly total: number;
  /** `total` in basis points of the arrival notional of the target. */
  readonly bps: number;
}

/** Computes the shortfall of fills against an arrival price; `endPrice` marks what was left. */
export function implementationShortfall(
  side: Side, arrivalPrice: number, targetQty: number,
  fills: ReadonlyArray<{ readonly price: number; readonly qty: number; readonly fee: number }>, endPrice: number,
): Shortfall {
  const sign = side === 'buy' ? 1 : -1;
  let qty = 0;
  let notional = 0;
  let fees = 0;
  for (const f of fills) {
    qty += f.qty;
    notional += f.price * f.qty;
    fees += f.fee;
  }
  const executionCost = sign * (notional - qty * arrivalPrice);
  const left = Math.max(0, targetQty - qty);
  const opportunityCost = left > 0 ? sign * left * (endPrice - arrivalPrice) : 0;
  const total = executionCost + fees + opportunityCost;
  return {
    side, arrivalPrice, targetQty, filledQty: qty, avgPrice: qty > 0 ? notional / qty : Number.NaN,
    executionCost, fees, opportunityCost, total, bps: (total / (targetQty * arrivalPrice)) * 1e4,
  };
}
