import { describe, expect, it } from 'vitest';
import type { Order } from '../core/order.ts';
import type { RejectionSummary } from '../engine/rejection-log.ts';
import type { RunResult } from './run-result.ts';
import { uselessRun } from './run-outcome.ts';

/** A finished in-memory run with `fills` fills, the refusals given, and orders that count their builds. */
function run(fills: number, rejections: RejectionSummary, statuses: readonly Order['status'][]) {
  const builds = { orders: 0 };
  const r = {
    events: 100, config: { mode: 'backtest' }, spilled: null, rejections,
    fills: Array.from({ length: fills }, () => ({})),
    get orders() {
      builds.orders++;
      return statuses.map((status) => ({ status }));
    },
  } as unknown as RunResult;
  return { r, builds };
}

const none: RejectionSummary = { total: 0, byReason: {}, first: [] };
const three: RejectionSummary = { total: 3, byReason: { 'invalid-quantity': 3 }, first: [{ ts: 0, orderId: '', reason: 'invalid-quantity', message: 'qty 0.5 is not a multiple of the lot 1' }] };

describe('uselessRun', () => {
  it('a run with fills is a result, and its orders are not built to say so', () => {
    for (const rej of [none, three]) {
      const { r, builds } = run(2, rej, ['filled', 'filled']);
      expect(uselessRun(r)).toBeNull();
      expect(builds.orders).toBe(0);
    }
  });

  it('a run with no refusals is not asked for its orders either', () => {
    const { r, builds } = run(0, none, ['cancelled']);
    expect(uselessRun(r)).toBeNull();
    expect(builds.orders).toBe(0);
  });

  it('no fills and every order refused: one line with the counts and the first reason', () => {
    const { r, builds } = run(0, three, ['rejected', 'rejected', 'rejected']);
    expect(uselessRun(r)).toBe('every order was refused (3 invalid-quantity); the first: qty 0.5 is not a multiple of the lot 1');
    expect(builds.orders).toBe(1);
  });

  it('no fills but an order that was not refused (still working at the end): not useless', () => {
    const { r } = run(0, three, ['rejected', 'accepted']);
    expect(uselessRun(r)).toBeNull();
  });
});
