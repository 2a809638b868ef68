/** A resting order's place in its price level's queue (fields the queue model maintains). */
export interface QueuePosition {
  /** Displayed quantity estimated ahead of the order. */
  ahead: number;
  /** Trades at the order's price since the last depth update (so a depth decrease is not counted twice). */
  tradedSinceDepth: number;
}

/**
 * How a resting order advances in its queue (hftbacktest's queue models). Trades at the
 * order's price always consume the quantity ahead first; the models differ in how a
 * decrease of the displayed level without a trade (cancellations) moves the order.
 */
export interface QueueModel {
  readonly name: string;
  /** The order joins the back of a level showing `levelQty`. */
  join(q: QueuePosition, levelQty: number): void;
  /** The level's displayed size changed from `prev` to `next`. */
  depthChanged(q: QueuePosition, prev: number, next: number): void;
}

/**
 * Risk-averse: cancellations never move the order forward, except that it cannot be
 * behind more than the level now shows.
 */
export const riskAverseQueue: QueueModel = {
  name: 'risk-averse',
  join(q, levelQty) {
    q.ahead = levelQty;
    q.tradedSinceDepth = 0;
  },
  depthChanged(q, _prev, next) {
    q.ahead = Math.min(q.ahead, next);
    q.tradedSinceDepth = 0;
  },
};

/**
 * Probabilistic: a decrease of the level (net of trades already applied) comes from in
 * front of the order with probability f(ahead, behind) = ahead^n / (ahead^n + behind^n)
 * (hftbacktest's power probability queue function); the order advances by the expected
 * share. n = 1 is proportional; larger n assumes cancellations come mostly from the back.
 */
export function probabilisticQueue(n = 3): QueueModel {
  return {
    name: `probabilistic(power ${n})`,
    join(q, levelQty) {
      q.ahead = levelQty;
      q.tradedSinceDepth = 0;
    },
    depthChanged(q, prev, next) {
      const decrease = prev - next - q.tradedSinceDepth;
      q.tradedSinceDepth = 0;
      if (decrease > 0) {
        const front = Math.max(0, q.ahead);
        const back = Math.max(0, prev - front);
        const fa = front ** n;
        const fb = back ** n;
        const p = fa + fb > 0 ? fa / (fa + fb) : 0;
        q.ahead = Math.max(0, q.ahead - decrease * p);
      }
      q.ahead = Math.min(q.ahead, next);
    },
  };
}
