/**
 * What a fill does to cash, leg by leg — the margin model of the bar broker and the cash
 * check of the simulated venues. A fill of signed quantity `delta` against a position `q0`
 * first closes what it closes (a reversal closes the whole position), then opens the rest:
 *
 * cash-settled (stocks, spot):
 *   close leg: cash −= closeDelta·price·m + fee(close)     (selling a long brings cash in)
 *   open leg:  cash −= openDelta·price·m + fee(open)       (a short sale's proceeds are cash,
 *                                                           as backtrader's default shortcash)
 *   required after the open leg: cash ≥ shortMargin · |short notional|  (0 by default)
 * margin-settled (futures):
 *   close leg: cash += q0·(price − last)·m   (the whole position marked to the fill price)
 *              cash += |closed|·margin − fee(close)   (margin released)
 *   open leg:  cash −= |opened|·margin + fee(open)
 *   required after the open leg: cash ≥ 0
 *
 * The closing leg is never refused for lack of cash (backtrader: cash may go negative when
 * covering a losing short or paying the fee of a close); only the opening leg is.
 */

/** The position a fill meets, and its instrument's terms. */
export interface PositionTerms {
  /** Signed quantity before the fill. */
  readonly qty: number;
  /** Last mark (futures: the price the position's P&L was last marked to). */
  readonly lastPrice: number;
  readonly multiplier: number;
  /** True for margin settlement (futures style). */
  readonly margined: boolean;
  /** Margin per contract (futures style). */
  readonly margin: number;
}

/** The two legs of a fill and the cash after each. */
export interface FillLegs {
  /** Quantity the fill closes (≥ 0). */
  readonly closed: number;
  /** Quantity it opens (≥ 0). */
  readonly opened: number;
  /** Cash after the closing leg (fees of that leg included). */
  readonly afterClose: number;
  /** Cash after both legs. */
  readonly afterOpen: number;
  /** Whether the opening leg can be paid (always true when nothing opens). */
  readonly openAffordable: boolean;
}

/** Writable forms of the two, for callers that reuse one object per check (the check runs on every fill). */
export type PositionTermsOut = { -readonly [K in keyof PositionTerms]: PositionTerms[K] };
export type FillLegsOut = { -readonly [K in keyof FillLegs]: FillLegs[K] };

/**
 * The legs of a fill of `delta` at `price` on position `p` with `cash`; `feeOf(qty)` is
 * the fee of a leg of `qty` (≥ 0); `shortMargin` the cash-settled short-sale rule. Written
 * into `out` (a new object when none is given) and returned.
 */
export function fillLegs(
  p: PositionTerms, cash: number, delta: number, price: number, feeOf: (qty: number) => number, shortMargin = 0,
  out: FillLegsOut = { closed: 0, opened: 0, afterClose: 0, afterOpen: 0, openAffordable: true },
): FillLegs {
  const q0 = p.qty;
  const reduces = q0 !== 0 && Math.sign(delta) !== Math.sign(q0);
  const closed = reduces ? Math.min(Math.abs(delta), Math.abs(q0)) : 0;
  const opened = Math.abs(delta) - closed;
  const sign = Math.sign(delta);
  const m = p.multiplier;
  let afterClose = cash;
  if (p.margined) {
    if (q0 !== 0) afterClose += q0 * (price - p.lastPrice) * m;
    afterClose += closed * p.margin;
  } else {
    afterClose -= sign * closed * price * m;
  }
  if (closed > 0) afterClose -= feeOf(closed);
  out.closed = closed;
  out.opened = opened;
  out.afterClose = afterClose;
  if (opened === 0) {
    out.afterOpen = afterClose;
    out.openAffordable = true;
    return out;
  }
  const openFee = feeOf(opened);
  const afterOpen = p.margined ? afterClose - opened * p.margin - openFee : afterClose - sign * opened * price * m - openFee;
  const q1 = q0 + delta;
  const required = !p.margined && q1 < 0 ? shortMargin * Math.abs(q1) * price * m : 0;
  out.afterOpen = afterOpen;
  out.openAffordable = afterOpen >= required;
  return out;
}
