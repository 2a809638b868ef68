/**
 * The arithmetic of one instrument slot's value, shared by the per-event path (Portfolio) and the
 * equity curve derived after a run (CurveDerivation), which must agree bit for bit.
 */

/** A position's notional at `price`: signed quantity × price × contract multiplier. */
export function notionalOf(qty: number, price: number, multiplier: number): number {
  return qty * price * multiplier;
}

/** What a position adds to equity: its notional (cash settlement) or the margin it holds (futures style). */
export function equityShare(qty: number, notional: number, margined: boolean, marginPerUnit: number): number {
  return margined ? Math.abs(qty) * marginPerUnit : notional;
}

/** The cash a margined position's P&L moves into the account as its mark goes from `last` to `price`. */
export function markFlow(qty: number, price: number, last: number, multiplier: number): number {
  return qty * (price - last) * multiplier;
}
