import type { Micros } from '../core/time.ts';

/** One refused order, as the run's summary shows it. */
export interface Rejection {
  readonly ts: Micros;
  /** Order id when the order was made (venue rejections), else empty (refused before it existed). */
  readonly orderId: string;
  readonly reason: string;
  readonly message: string;
}

/** Every order refusal of a run: counts by reason and the first few in full. */
export interface RejectionSummary {
  readonly total: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly first: readonly Rejection[];
}

const KEEP = 10;

/** Counts order refusals (the engine's and the venue's) by reason, keeping the first few. */
export class RejectionLog {
  total = 0;
  private readonly counts = new Map<string, number>();
  private readonly first: Rejection[] = [];

  add(ts: Micros, orderId: string, reason: string, message: string): void {
    this.total++;
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    if (this.first.length < KEEP) this.first.push({ ts, orderId, reason, message });
  }

  summary(): RejectionSummary {
    return { total: this.total, byReason: Object.fromEntries(this.counts), first: [...this.first] };
  }
}

/** Orders whose price or quantity was off the instrument's grid: rounded onto it, or refused. */
export interface OffGridSummary {
  readonly policy: 'round' | 'refuse';
  readonly rounded: number;
  readonly refused: number;
}
