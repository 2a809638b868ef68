import type { Order } from '../core/order.ts';
import { anyValues, removeAt } from '../core/array-edit.ts';

/**
 * The orders still open, in submission order. A small array rather than a Map: there
 * are usually a handful, and adding/removing one per order cycle must stay cheap.
 */
export class OpenOrders {
  private readonly list: Order[] = anyValues();

  get size(): number {
    return this.list.length;
  }

  add(order: Order): void {
    this.list.push(order);
  }

  delete(id: string): void {
    const i = this.list.findIndex((o) => o.id === id);
    if (i >= 0) removeAt(this.list, i);
  }

  /** Removes the order at position `i` (in submission order). */
  deleteAt(i: number): void {
    removeAt(this.list, i);
  }

  values(): readonly Order[] {
    return this.list;
  }

  /** True when an open order is for `instrumentId`. */
  hasInstrument(instrumentId: string): boolean {
    for (const o of this.list) if (o.instrumentId === instrumentId) return true;
    return false;
  }
}
