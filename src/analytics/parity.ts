/** One order as the parity report compares it. */
export interface ParityOrder {
  readonly id: string;
  readonly side: string;
  readonly type: string;
  readonly price: number;
  readonly qty: number;
  readonly filledQty: number;
}

/** One fill as the parity report compares it. */
export interface ParityFill {
  readonly orderId: string;
  readonly price: number;
  readonly qty: number;
  readonly fee: number;
}

/** Why a decision or its outcome differs between a live session and its replay. */
export type ParityCause = 'signal' | 'fill' | 'fee' | 'latency' | 'unexplained';

export interface ParityDifference {
  /** Order position (0-based) in submission order. */
  readonly index: number;
  readonly cause: ParityCause;
  readonly detail: string;
}

export interface ParityReport {
  readonly liveOrders: number;
  readonly replayOrders: number;
  readonly matchedOrders: number;
  readonly differences: readonly ParityDifference[];
  /** Differences whose cause could not be attributed. */
  readonly unexplained: number;
}

const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Compares a live (or paper) session with the backtester's replay of its recording, order
 * by order in submission order: a different order is a different decision (signal — later
 * orders differ as its consequence and are not counted again); the same order filled
 * differently is a fill difference, charged differently a fee difference; fills at the same
 * prices in a different split point to timing (latency). Anything left is unexplained.
 */
export function compareSessions(live: { orders: readonly ParityOrder[]; fills: readonly ParityFill[] }, replay: { orders: readonly ParityOrder[]; fills: readonly ParityFill[] }): ParityReport {
  const diffs: ParityDifference[] = [];
  const byOrder = (fills: readonly ParityFill[]) => {
    const m = new Map<string, ParityFill[]>();
    for (const f of fills) (m.get(f.orderId) ?? m.set(f.orderId, []).get(f.orderId)!).push(f);
    return m;
  };
  const lf = byOrder(live.fills);
  const rf = byOrder(replay.fills);
  const n = Math.min(live.orders.length, replay.orders.length);
  let matched = 0;
  for (let k = 0; k < n; k++) {
    const a = live.orders[k];
    const b = replay.orders[k];
    if (a.side !== b.side || a.type !== b.type || !same(a.price, b.price) || !same(a.qty, b.qty)) {
      diffs.push({ index: k, cause: 'signal', detail: `live ${a.side} ${a.type} ${a.qty}@${a.price} vs replay ${b.side} ${b.type} ${b.qty}@${b.price}; later orders follow from it` });
      break;
    }
    matched++;
    const fa = lf.get(a.id) ?? [];
    const fb = rf.get(b.id) ?? [];
    const qa = fa.reduce((s, f) => s + f.qty, 0);
    const qb = fb.reduce((s, f) => s + f.qty, 0);
    if (!same(qa, qb)) {
      diffs.push({ index: k, cause: 'fill', detail: `filled ${qa} live vs ${qb} replay` });
      continue;
    }
    const va = fa.reduce((s, f) => s + f.qty * f.price, 0);
    const vb = fb.reduce((s, f) => s + f.qty * f.price, 0);
    if (!same(va, vb)) {
      diffs.push({ index: k, cause: 'fill', detail: `average price ${va / qa} live vs ${vb / qb} replay` });
      continue;
    }
    if (fa.length !== fb.length) diffs.push({ index: k, cause: 'latency', detail: `${fa.length} fills live vs ${fb.length} replay at the same prices` });
    const ea = fa.reduce((s, f) => s + f.fee, 0);
    const eb = fb.reduce((s, f) => s + f.fee, 0);
    if (!same(ea, eb)) diffs.push({ index: k, cause: 'fee', detail: `fees ${ea} live vs ${eb} replay` });
  }
  const diverged = diffs.some((d) => d.cause === 'signal');
  if (!diverged && live.orders.length !== replay.orders.length) {
    diffs.push({ index: n, cause: 'unexplained', detail: `${live.orders.length} orders live vs ${replay.orders.length} in the replay with no differing decision before` });
  }
  return {
    liveOrders: live.orders.length, replayOrders: replay.orders.length, matchedOrders: matched, differences: diffs,
    unexplained: diffs.filter((d) => d.cause === 'unexplained').length,
  };
}
