import { EmulatedFeature, OrderStatus, OrderType, Side, TimeInForce, type Order } from '../core/order.ts';

/** Rows per block: blocks are filled in place and never copied as the log grows. */
const BLOCK = 1 << 16;
const BLOCK_BITS = 16;
/** Doubles per row: qty, price, stopPrice, filledQty, avgFillPrice, fees, createdTs, updatedTs. */
const NUMS = 8;
/** Codes per row: instrument id, reason and tag (indexes into the log's strings; 0 = none). */
const TEXTS = 3;
/** Bytes per row: side and flags (bit 0 sell, bit 1 post-only, bit 2 reduce-only), type, time in force, status. */
const ENUMS = 4;

const TYPES = Object.values(OrderType);
const TIFS = Object.values(TimeInForce);
const STATUSES = Object.values(OrderStatus);
const NO_FEATURES: readonly EmulatedFeature[] = Object.freeze([]);

interface Block {
  readonly nums: Float64Array;
  readonly texts: Uint32Array;
  readonly enums: Uint8Array;
}

/**
 * Every order of a run in submission order. An order stays the engine's live object while
 * it can change; once it ended (`end`) its fields go into columns — eight doubles, three
 * string codes and four bytes, ~100 bytes with its id instead of a ~230-byte object kept
 * alive (on this project's machines first-touched memory costs ~3 ms per MB: a market maker's
 * half million orders were a tenth of its replay) — and the object is let go. `at` and
 * `toArray` give an ended order back as a new object with the same fields; an open one is
 * the live object itself.
 */
export class OrderLog {
  private readonly blocks: Block[] = [];
  private readonly ids: string[] = [];
  /** The live object of each row until its order ends (then undefined). */
  private readonly live: (Order | undefined)[] = [];
  /** Emulated features of ended rows that had any (few). */
  private readonly emulated = new Map<number, readonly EmulatedFeature[]>();
  /** Instrument ids, reasons and tags, interned: code k is strings[k - 1]. */
  private readonly strings: string[] = [];
  private readonly codes = new Map<string, number>();

  /** Orders held. */
  get length(): number {
    return this.ids.length;
  }

  /** Appends an order (live until `end(row)`); returns its row. */
  add(order: Order): number {
    this.ids.push(order.id);
    return this.live.push(order) - 1;
  }

  /** The order in `row` ended: its fields go into the columns and the object is no longer held. */
  end(row: number): void {
    const o = this.live[row];
    if (o === undefined) return;
    this.live[row] = undefined;
    const b = row >>> BLOCK_BITS;
    while (this.blocks.length <= b) this.blocks.push({ nums: new Float64Array(NUMS * BLOCK), texts: new Uint32Array(TEXTS * BLOCK), enums: new Uint8Array(ENUMS * BLOCK) });
    const { nums, texts, enums } = this.blocks[b];
    const r = row & (BLOCK - 1);
    let at = NUMS * r;
    nums[at++] = o.qty; nums[at++] = o.price; nums[at++] = o.stopPrice; nums[at++] = o.filledQty;
    nums[at++] = o.avgFillPrice; nums[at++] = o.fees; nums[at++] = o.createdTs; nums[at] = o.updatedTs;
    at = TEXTS * r;
    texts[at] = this.code(o.instrumentId); texts[at + 1] = this.code(o.reason); texts[at + 2] = this.code(o.tag);
    at = ENUMS * r;
    enums[at] = (o.side === Side.sell ? 1 : 0) | (o.postOnly ? 2 : 0) | (o.reduceOnly ? 4 : 0);
    enums[at + 1] = TYPES.indexOf(o.type); enums[at + 2] = TIFS.indexOf(o.tif); enums[at + 3] = STATUSES.indexOf(o.status);
    if (o.emulated.length > 0) this.emulated.set(row, o.emulated);
  }

  /** The order in `row` (0 ≤ row < length): the live object while open, else a new one from the columns. */
  at(row: number): Order {
    return this.live[row] ?? this.rebuilt(row);
  }

  /** Every order, in submission order. */
  toArray(): Order[] {
    const out = new Array<Order>(this.length);
    for (let k = 0; k < out.length; k++) out[k] = this.at(k);
    return out;
  }

  /** The order with this id, newest first (a scan: for rare paths). */
  find(id: string): Order | undefined {
    const k = this.ids.lastIndexOf(id);
    return k < 0 ? undefined : this.at(k);
  }

  /**
   * Takes the ended orders out (in submission order, as objects) and keeps the open ones,
   * renumbered from row 0 in their order; `moved(order, row)` gets each open order's new row.
   */
  takeEnded(moved: (order: Order, row: number) => void): Order[] {
    const ended: Order[] = [];
    const open: Order[] = [];
    for (let k = 0; k < this.length; k++) {
      const o = this.live[k];
      if (o === undefined) ended.push(this.rebuilt(k));
      else open.push(o);
    }
    this.clear();
    for (const o of open) moved(o, this.add(o));
    return ended;
  }

  /** Drops every order held (handed to a result sink). */
  clear(): void {
    this.ids.length = 0;
    this.live.length = 0;
    this.emulated.clear();
  }

  private code(s: string | undefined): number {
    if (s === undefined) return 0;
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.strings.push(s);
      this.codes.set(s, c);
    }
    return c;
  }

  private text(c: number): string | undefined {
    return c === 0 ? undefined : this.strings[c - 1];
  }

  private rebuilt(row: number): Order {
    const { nums, texts, enums } = this.blocks[row >>> BLOCK_BITS];
    const r = row & (BLOCK - 1);
    const n = NUMS * r;
    const t = TEXTS * r;
    const e = ENUMS * r;
    const flags = enums[e];
    return {
      id: this.ids[row], instrumentId: this.text(texts[t])!, side: flags & 1 ? Side.sell : Side.buy, type: TYPES[enums[e + 1]],
      tif: TIFS[enums[e + 2]], postOnly: (flags & 2) !== 0, reduceOnly: (flags & 4) !== 0,
      qty: nums[n], price: nums[n + 1], stopPrice: nums[n + 2],
      status: STATUSES[enums[e + 3]], filledQty: nums[n + 3], avgFillPrice: nums[n + 4], fees: nums[n + 5], createdTs: nums[n + 6], updatedTs: nums[n + 7],
      reason: this.text(texts[t + 1]), tag: this.text(texts[t + 2]), emulated: this.emulated.get(row) ?? NO_FEATURES,
    };
  }
}
