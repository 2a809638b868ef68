import type { Micros } from '../core/time.ts';

interface TimerEntry {
  name: string;
  ts: Micros;
  interval: number;
  /** Insertion order, to keep same-time timers in the order they were set. */
  seq: number;
}

/** Min-heap of named timers by (time, insertion order). Resetting a name replaces its timer. */
export class TimerQueue {
  private heap: TimerEntry[] = [];
  private live = new Map<string, TimerEntry>();
  private seq = 0;

  set(name: string, ts: Micros, interval = 0): void {
    const old = this.live.get(name);
    if (old) old.name = ''; // tombstone: skipped when it reaches the top
    const e: TimerEntry = { name, ts, interval, seq: this.seq++ };
    this.live.set(name, e);
    this.push(e);
  }

  cancel(name: string): boolean {
    const e = this.live.get(name);
    if (!e) return false;
    e.name = '';
    this.live.delete(name);
    this.dropTombstones();
    return true;
  }

  /** Earliest live timer time, Infinity when empty. */
  peekTs(): Micros {
    return this.heap.length === 0 ? Infinity : this.heap[0].ts;
  }

  /** Removes and returns the earliest timer; re-arms repeating ones. */
  pop(): { name: string; ts: Micros } {
    const e = this.heap[0];
    this.removeTop();
    if (e.interval > 0) {
      const next: TimerEntry = { name: e.name, ts: e.ts + e.interval, interval: e.interval, seq: this.seq++ };
      this.live.set(e.name, next);
      this.push(next);
    } else {
      this.live.delete(e.name);
    }
    this.dropTombstones();
    return { name: e.name, ts: e.ts };
  }

  get size(): number {
    return this.live.size;
  }

  private dropTombstones(): void {
    while (this.heap.length > 0 && this.heap[0].name === '') this.removeTop();
  }

  private less(a: TimerEntry, b: TimerEntry): boolean {
    return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
  }

  private push(e: TimerEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
    this.dropTombstones();
  }

  private removeTop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
