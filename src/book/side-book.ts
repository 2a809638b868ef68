/**
 * One side of an L2 book: price levels sorted so the best level is last (bids ascending,
 * asks descending). Updates near the top of the book — almost all of them — move only a
 * few elements; lookups are binary searches.
 */
export class SideBook {
  private px: Float64Array;
  private sz: Float64Array;
  private n = 0;

  /** @param isBid bids: best = highest price; asks: best = lowest. */
  constructor(readonly isBid: boolean, capacity = 256) {
    this.px = new Float64Array(capacity);
    this.sz = new Float64Array(capacity);
  }

  /** Number of price levels. */
  get levels(): number {
    return this.n;
  }

  /** Best price, NaN when empty. */
  bestPrice(): number {
    return this.n > 0 ? this.px[this.n - 1] : Number.NaN;
  }

  /** Size at the best price, 0 when empty. */
  bestSize(): number {
    return this.n > 0 ? this.sz[this.n - 1] : 0;
  }

  /** Price of the k-th level from the top (0 = best), NaN past the end. */
  priceAt(k: number): number {
    return k < this.n ? this.px[this.n - 1 - k] : Number.NaN;
  }

  /** Size of the k-th level from the top, 0 past the end. */
  sizeAt(k: number): number {
    return k < this.n ? this.sz[this.n - 1 - k] : 0;
  }

  /** Size resting at `price` (0 when no level). */
  sizeAtPrice(price: number): number {
    const i = this.find(price);
    return i >= 0 ? this.sz[i] : 0;
  }

  /** Sets the size at `price` (0 removes the level). */
  set(price: number, size: number): void {
    // Fast path: the best level, or a new best level.
    const n = this.n;
    if (n > 0) {
      const top = this.px[n - 1];
      if (price === top) {
        if (size > 0) this.sz[n - 1] = size;
        else this.n = n - 1;
        return;
      }
      if (this.isBid ? price > top : price < top) {
        if (size > 0) this.insertAt(n, price, size);
        return;
      }
    } else {
      if (size > 0) this.insertAt(0, price, size);
      return;
    }
    const pos = this.lowerBound(price);
    if (pos < this.n && this.px[pos] === price) {
      if (size > 0) this.sz[pos] = size;
      else this.removeAt(pos);
    } else if (size > 0) {
      this.insertAt(pos, price, size);
    }
  }

  /** Makes `price` the only level (size 0 empties the side): top-of-book data, no shifting. */
  setOnly(price: number, size: number): void {
    if (size > 0) {
      this.px[0] = price;
      this.sz[0] = size;
      this.n = 1;
    } else {
      this.n = 0;
    }
  }

  /** Removes every level. */
  clear(): void {
    this.n = 0;
  }

  /** Removes levels strictly better than `price` (used to uncross after a trade-through). */
  removeBetterThan(price: number): void {
    while (this.n > 0 && (this.isBid ? this.px[this.n - 1] > price : this.px[this.n - 1] < price)) this.n--;
  }

  /** Index of `price`, or −1. */
  private find(price: number): number {
    const pos = this.lowerBound(price);
    return pos < this.n && this.px[pos] === price ? pos : -1;
  }

  /**
   * First index whose price is not "before" `price` in this side's order. Updates land near
   * the top (the end of the arrays): the search gallops down from the top (1, 2, 4, …
   * levels) and then bisects the last step, so it costs about log2 of the distance to the
   * top rather than of the book's depth.
   */
  private lowerBound(price: number): number {
    const px = this.px;
    const bid = this.isBid;
    let hi = this.n; // every index from hi up is not before `price`
    let lo = hi - 1;
    let step = 1;
    while (lo >= 0 && (bid ? px[lo] >= price : px[lo] <= price)) {
      hi = lo;
      lo -= step;
      step *= 2;
    }
    lo = lo < 0 ? 0 : lo + 1; // px[lo - 1] (when there is one) is before `price`
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = px[mid];
      if (bid ? p < price : p > price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private removeAt(pos: number): void {
    const px = this.px;
    const sz = this.sz;
    const n = this.n - 1;
    for (let k = pos; k < n; k++) {
      px[k] = px[k + 1];
      sz[k] = sz[k + 1];
    }
    this.n = n;
  }

  private insertAt(pos: number, price: number, size: number): void {
    if (this.n === this.px.length) {
      const px = new Float64Array(this.px.length * 2);
      const sz = new Float64Array(this.px.length * 2);
      px.set(this.px);
      sz.set(this.sz);
      this.px = px;
      this.sz = sz;
    }
    const px = this.px;
    const sz = this.sz;
    for (let k = this.n; k > pos; k--) {
      px[k] = px[k - 1];
      sz[k] = sz[k - 1];
    }
    px[pos] = price;
    sz[pos] = size;
    this.n++;
  }
}
