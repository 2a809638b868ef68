import { describe, expect, it } from 'vitest';
import { rebalanceTransfers } from './sleeve-portfolio.ts';

describe('rebalancing sleeve capital', () => {
  it('moves the excess of sleeves above target to those below, in proportion to their shortfall', () => {
    // total 300; targets 150/90/60 for weights .5/.3/.2
    const t = rebalanceTransfers([180, 70, 50], [100, 10, 10], [0.5, 0.3, 0.2]);
    expect(t[0]).toBeCloseTo(-30, 12);
    expect(t[1]).toBeCloseTo(20, 12);
    expect(t[2]).toBeCloseTo(10, 12);
    expect(t.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
  });

  it('a sleeve gives no more than its free cash (its positions are its own to trade); the receivers share what was given', () => {
    // sleeve 0 is 30 above target but has 12 in cash: 12 moves, split 2:1 by the shortfalls 20 and 10
    const t = rebalanceTransfers([180, 70, 50], [12, 0, 0], [0.5, 0.3, 0.2]);
    expect(t[0]).toBeCloseTo(-12, 12);
    expect(t[1]).toBeCloseTo(8, 12);
    expect(t[2]).toBeCloseTo(4, 12);
  });

  it('weights summing below 1 (cash left unallocated) are shares among the sleeves: targets are w / Σw of their total', () => {
    const t = rebalanceTransfers([60, 40], [60, 40], [0.4, 0.4]); // targets 50/50
    expect(t[0]).toBeCloseTo(-10, 12);
    expect(t[1]).toBeCloseTo(10, 12);
    const u = rebalanceTransfers([70, 30], [70, 30], [0.5, 0.5]);
    expect(u[0]).toBeCloseTo(-20, 12);
    expect(u[1]).toBeCloseTo(20, 12);
  });

  it('nothing moves when every sleeve is on target or no giver has cash', () => {
    expect(rebalanceTransfers([50, 50], [50, 50], [0.5, 0.5])).toEqual([0, 0]);
    expect(rebalanceTransfers([80, 20], [0, 20], [0.5, 0.5])).toEqual([0, 0]);
  });
});
