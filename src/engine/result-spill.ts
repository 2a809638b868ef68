import type { OrderRegistry } from './order-registry.ts';
import type { FillLog } from './fill-log.ts';
import type { EquityRecorder } from './equity-recorder.ts';
import { SPILL_RECORDS, type ResultSink } from './result-sink.ts';
import type { RoundTripLog } from './round-trip-log.ts';

/** The engine's growing lists a spill empties: fills, every order, closed round trips. */
export interface SpilledLists {
  readonly fills: FillLog;
  readonly orders: OrderRegistry;
  readonly trades: RoundTripLog;
}

/**
 * Keeps a run's fills, ended orders and round trips under SPILL_RECORDS each by handing full
 * blocks to the sink (the equity recorder spills its own points). `check()` runs once per
 * market event: three length comparisons while nothing is due.
 */
export class ResultSpill {
  private spilledBlocks = false;

  constructor(private readonly sink: ResultSink, private readonly lists: SpilledLists, private readonly equity: EquityRecorder) {}

  /** True once anything went to the sink. */
  get spilled(): boolean {
    return this.spilledBlocks || this.equity.spilled;
  }

  check(): void {
    const l = this.lists;
    if (l.fills.length >= SPILL_RECORDS) this.fills();
    if (l.trades.length >= SPILL_RECORDS) this.trades();
    if (l.orders.log.length >= 2 * SPILL_RECORDS) this.endedOrders();
  }

  /** End of a run that spilled: everything still held goes to the sink, open orders in their last state. */
  rest(): void {
    this.equity.spillRest();
    this.fills();
    this.trades();
    const orders = this.lists.orders.log;
    if (orders.length > 0) this.sink.orders(orders.columns());
    orders.clear();
  }

  private fills(): void {
    const f = this.lists.fills;
    if (f.length > 0) this.sink.fills(f.columns());
    f.clear();
    this.spilledBlocks = true;
  }

  private trades(): void {
    const t = this.lists.trades;
    if (t.length > 0) this.sink.trades(t.columns());
    t.clear();
    this.spilledBlocks = true;
  }

  /** Ended orders go (in submission order); open ones stay, in order, until they end. */
  private endedOrders(): void {
    const ended = this.lists.orders.takeEnded();
    if (ended.n === 0) return;
    this.sink.orders(ended);
    this.spilledBlocks = true;
  }
}
