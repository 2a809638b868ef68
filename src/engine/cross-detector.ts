/**
 * Detects when series a crosses series b, with backtrader's CrossOver semantics: the sign
 * of the last *non-zero* difference a − b is remembered, so touching and moving away is
 * not a cross, while a move through after touching is.
 */
export class CrossDetector {
  private lastSign = 0;

  /** Feeds the next pair; returns +1 for an upward cross, −1 for downward, 0 otherwise. */
  update(a: number, b: number): -1 | 0 | 1 {
    const d = a - b;
    const prev = this.lastSign;
    if (d > 0) {
      this.lastSign = 1;
      return prev < 0 ? 1 : 0;
    }
    if (d < 0) {
      this.lastSign = -1;
      return prev > 0 ? -1 : 0;
    }
    return 0;
  }

  /** Forgets the history. */
  reset(): void {
    this.lastSign = 0;
  }
}

/** True when the last non-zero difference of (prevA − prevB) was ≤ 0 and a > b now (single-step form). */
export function crossedAbove(prevA: number, prevB: number, a: number, b: number): boolean {
  return prevA <= prevB && a > b;
}

/** Mirror of `crossedAbove`. */
export function crossedBelow(prevA: number, prevB: number, a: number, b: number): boolean {
  return prevA >= prevB && a < b;
}
