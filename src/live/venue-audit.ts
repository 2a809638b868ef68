import type { Logger } from '../engine/logger.ts';
import { ccxtMessage, classifyCcxtError, CcxtFailure } from './ccxt-errors.ts';
import type { Leg } from './ccxt-followed-orders.ts';
import type { CcxtOrder, CcxtTrading } from './ccxt-order.ts';

/** An order open at the exchange that the session sent (or adopted) but counted as ended: its state diverged. */
export interface StrayOrder {
  readonly clientOrderId: string;
  readonly exchangeId: string;
  /** ccxt status at the exchange (open). */
  readonly status: string;
  /** What the exchange says it executed of it, and its quantity. */
  readonly filled: number;
  readonly amount: number;
  /** What the session counted as executed of it (less than `filled`: fills the session never saw). */
  readonly sessionFilled: number;
  /** Cancelled by the check, the exchange confirming it (during the session always; at the end unless orders are kept). */
  readonly cancelled: boolean;
}

/** Cancel attempts per stray order. */
const CANCEL_ATTEMPTS = 3;

/**
 * The end-of-session check against the exchange's own list of open orders: every open
 * order whose client id this session sent (or adopted) and no longer follows is a stray —
 * the session counted it as ended while it rests at the exchange. Each is logged as an
 * error with what the exchange and the session each say it executed and, when `cancel`,
 * cancelled. `countedAsEnded(clientOrderId)` is what the session counted executed of an
 * order it sent and counts as ended, undefined for any other. A failed listing is logged
 * and yields none (the check cannot tell).
 */
async function auditOpenOrders(ex: CcxtTrading, symbol: string, countedAsEnded: (clientOrderId: string) => number | undefined, cancel: boolean, log: Logger): Promise<StrayOrder[]> {
  let open: CcxtOrder[];
  try {
    open = await ex.fetchOpenOrders(symbol);
  } catch (e) {
    if (classifyCcxtError(e) === null) throw e;
    log.warn('check of the open orders at the exchange failed', { error: ccxtMessage(e) });
    return [];
  }
  const strays: StrayOrder[] = [];
  for (const r of open) {
    const sessionFilled = r.clientOrderId === undefined ? undefined : countedAsEnded(r.clientOrderId);
    if (sessionFilled === undefined) continue;
    const stray = { clientOrderId: r.clientOrderId!, exchangeId: r.id, status: r.status ?? 'open', filled: r.filled ?? 0, amount: r.amount ?? Number.NaN, sessionFilled };
    log.error('order open at the exchange that the session counted as ended', stray);
    strays.push({ ...stray, cancelled: cancel && (await cancelStray(ex, symbol, r, log)) });
  }
  return strays;
}

/** True once the exchange confirmed the cancel (or says the order is no longer open). */
async function cancelStray(ex: CcxtTrading, symbol: string, r: CcxtOrder, log: Logger): Promise<boolean> {
  for (let attempt = 1; attempt <= CANCEL_ATTEMPTS; attempt++) {
    try {
      const done = await ex.cancelOrder(r.id, symbol);
      return done.status !== 'open';
    } catch (e) {
      const f = classifyCcxtError(e);
      if (f === null) throw e;
      if (f === CcxtFailure.notFound) return true; // ended meanwhile
      log.warn('cancel of a stray order failed', { clientOrderId: r.clientOrderId, attempt, error: ccxtMessage(e) });
    }
  }
  return false;
}

/**
 * The stray check of a live client: it remembers every exchange order (leg) the client sent
 * or adopted and, when asked, lists the exchange's open orders for those the client no
 * longer follows and stopped counting as open before `endedBefore` (see `auditOpenOrders`).
 * Run every `everyMillis` during the session and once at its end.
 */
export class StrayCheck {
  private readonly legs = new Map<string, Leg>();
  private readonly strays = new Map<string, StrayOrder>();
  private running = false;
  private last = Date.now();

  constructor(private readonly ex: CcxtTrading, private readonly symbol: string, private readonly log: Logger, private readonly everyMillis: number) {}

  /** A leg this client sent or adopted. */
  sent(leg: Leg): void {
    this.legs.set(leg.clientId, leg);
  }

  isDue(now: number): boolean {
    return !this.running && now - this.last >= this.everyMillis;
  }

  /** One check; `following`: the client ids of the legs the client counts as open. */
  async check(following: ReadonlySet<string>, cancel: boolean, endedBefore: number): Promise<void> {
    this.running = true;
    const counted = (id: string) => {
      const leg = following.has(id) ? undefined : this.legs.get(id);
      return leg !== undefined && leg.endedAt > 0 && leg.endedAt < endedBefore ? leg.filled : undefined;
    };
    try {
      for (const s of await auditOpenOrders(this.ex, this.symbol, counted, cancel, this.log)) this.strays.set(s.clientOrderId, s);
    } finally {
      this.last = Date.now();
      this.running = false;
    }
  }

  /** Every stray found so far (the latest look at each). */
  found(): StrayOrder[] {
    return [...this.strays.values()];
  }
}
