/**
 * Resampling to the last row of every `interval` µs (every row when 0) as rows arrive in
 * time order: `slot(t)` says where the row at `t` goes — a new index when it opens an
 * interval, the interval's last index otherwise (the caller writes its columns there).
 */
export class LastPerInterval {
  readonly ts: number[] = [];
  private bucket = Number.NaN;

  constructor(private readonly interval: number) {}

  slot(t: number): number {
    const k = this.interval > 0 ? Math.floor(t / this.interval) : Number.NaN; // NaN: never the same interval
    if (k === this.bucket) {
      this.ts[this.ts.length - 1] = t;
      return this.ts.length - 1;
    }
    this.bucket = k;
    this.ts.push(t);
    return this.ts.length - 1;
  }
}
