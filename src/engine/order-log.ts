import { NO_FEATURES, OrderStatus, OrderType, Side, TimeInForce, type EmulatedFeature, type Order } from '../core/order.ts';
import type { OrderColumns } from './result-sink.ts';
import { ChunkedList } from '../core/chunked-list.ts';
import { IdColumn, ORDER_ID_PREFIX } from './id-column.ts';
import { StringCodes } from './string-codes.ts';

/**
 * Rows per block (~620 KB): blocks are filled in place and never copied as the log grows. A
 * block is allocated whole, and a freed one the allocator hands back is written whole (zeroed):
 * at 65,536 rows a 200k-bar backtest's 7.7k orders paid for 6.8 MB.
 */
const BLOCK_BITS = 13;
const BLOCK = 1 << BLOCK_BITS;
/** Doubles per row: qty, price, stopPrice, filledQty, avgFillPrice, fees, createdTs, updatedTs. */
const NUMS = 8;
/** Codes per row: instrument id, reason and tag (indexes into the log's strings; 0 = none). */
const TEXTS = 3;
/** Bytes per row: side and flags (bit 0 sell, bit 1 post-only, bit 2 reduce-only), type, time in force, status. */
const ENUMS = 4;

const TYPES = Object.values(OrderType);
const TIFS = Object.values(TimeInForce);
/** The statuses an order ends in first: a row is written when its order ends, and its status's search (indexIn) mostly stops at the first entry. */
const ENDED_FIRST: readonly OrderStatus[] = [OrderStatus.filled, OrderStatus.cancelled, OrderStatus.expired, OrderStatus.rejected];
const STATUSES = [...ENDED_FIRST, ...Object.values(OrderStatus).filter((s) => !ENDED_FIRST.includes(s))];

/**
 * Index of `x` in a short list of strings (−1 when absent): a loop the optimizer inlines where
 * Array#indexOf is a builtin call (three per ended order, ~1 % of an order-heavy run).
 */
function indexIn(list: readonly string[], x: string): number {
  for (let i = 0; i < list.length; i++) if (list[i] === x) return i;
  return -1;
}

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
 * half million orders kept as objects were about a tenth of its replay) — and the object is
 * let go. `at` and `toArray` give an ended order back as a new object with the same fields, an
 * open one as the live object itself; `columns` and `takeEnded` give result sinks columns.
 */
export class OrderLog {
  private readonly blocks: Block[] = [];
  private readonly ids: IdColumn;
  /** The live object of each row until its order ends (then undefined). */
  private readonly live = new ChunkedList<Order | undefined>();
  /** Emulated features of ended rows that had any (few). */
  private readonly emulated = new Map<number, readonly EmulatedFeature[]>();
  /** Instrument ids, reasons and tags, interned. */
  private readonly strings = new StringCodes();

  /** @param idPrefix the prefix of the ids the engine issues (see IdColumn) */
  constructor(idPrefix = ORDER_ID_PREFIX) {
    this.ids = new IdColumn(idPrefix);
  }

  /** Orders held. */
  get length(): number {
    return this.ids.length;
  }

  /** Appends an order (live until `end(row)`); returns its row. `seq`: its id's number, when the caller has it (see IdColumn.push). */
  add(order: Order, seq?: number): number {
    this.ids.push(order.id, seq);
    return this.live.push(order);
  }

  /** The order in `row` ended: its fields go into the columns and the object is no longer held. */
  end(row: number): void {
    const o = this.live.at(row);
    if (o === undefined) return;
    this.live.set(row, undefined);
    const b = row >>> BLOCK_BITS;
    while (this.blocks.length <= b) this.blocks.push({ nums: new Float64Array(NUMS * BLOCK), texts: new Uint32Array(TEXTS * BLOCK), enums: new Uint8Array(ENUMS * BLOCK) });
    const { nums, texts, enums } = this.blocks[b];
    const r = row & (BLOCK - 1);
    let at = NUMS * r;
    nums[at++] = o.qty; nums[at++] = o.price; nums[at++] = o.stopPrice; nums[at++] = o.filledQty;
    nums[at++] = o.avgFillPrice; nums[at++] = o.fees; nums[at++] = o.createdTs; nums[at] = o.updatedTs;
    at = TEXTS * r;
    const codes = this.strings;
    texts[at] = codes.code(o.instrumentId); texts[at + 1] = codes.code(o.reason); texts[at + 2] = codes.code(o.tag);
    at = ENUMS * r;
    enums[at] = (o.side === Side.sell ? 1 : 0) | (o.postOnly ? 2 : 0) | (o.reduceOnly ? 4 : 0);
    enums[at + 1] = indexIn(TYPES, o.type); enums[at + 2] = indexIn(TIFS, o.tif); enums[at + 3] = indexIn(STATUSES, o.status);
    if (o.emulated.length > 0) this.emulated.set(row, o.emulated);
  }

  /** The order in `row` (0 ≤ row < length): the live object while open, else a new one from the columns. */
  at(row: number): Order {
    return this.live.at(row) ?? this.rebuilt(row);
  }

  /** Every order, in submission order. */
  toArray(): Order[] {
    const out = new Array<Order>(this.length);
    for (let k = 0; k < out.length; k++) out[k] = this.at(k);
    return out;
  }

  /** Adds a fee reported after the order's fill (a scan: for rare paths); false when no row has this id. */
  addFee(id: string, fee: number): boolean {
    const k = this.ids.lastIndexOf(id);
    if (k < 0) return false;
    const o = this.live.at(k);
    if (o !== undefined) o.fees += fee;
    else this.blocks[k >>> BLOCK_BITS].nums[NUMS * (k & (BLOCK - 1)) + 5] += fee; // the fees column of an ended row
    return true;
  }

  /** The order with this id, newest first (a scan: for rare paths). */
  find(id: string): Order | undefined {
    const k = this.ids.lastIndexOf(id);
    return k < 0 ? undefined : this.at(k);
  }

  /**
   * Takes the ended orders out (in submission order, as columns for a result sink) and keeps
   * the open ones, renumbered from row 0 in their order; `moved(order, row)` gets each open
   * order's new row.
   */
  takeEnded(moved: (order: Order, row: number) => void): OrderColumns {
    const ended: number[] = [];
    const open: Order[] = [];
    for (let k = 0; k < this.length; k++) {
      const o = this.live.at(k);
      if (o === undefined) ended.push(k);
      else open.push(o);
    }
    const cols = this.columnsOf(ended);
    this.clear();
    for (const o of open) moved(o, this.add(o));
    return cols;
  }

  /** Every order held as columns (open ones in their current state), building no order object. */
  columns(): OrderColumns {
    return this.columnsOf(Array.from({ length: this.length }, (_, k) => k));
  }

  private columnsOf(rows: readonly number[]): OrderColumns {
    const c = emptyColumns(rows.length);
    for (let j = 0; j < c.n; j++) {
      const k = rows[j];
      const o = this.live.at(k);
      if (o === undefined) this.rowInto(c, j, k);
      else orderInto(c, j, o);
    }
    return c;
  }

  /** Row `row` (ended) into entry `j` of `c`, from the columns. */
  private rowInto(c: OrderColumns, j: number, row: number): void {
    const { nums, texts, enums } = this.blocks[row >>> BLOCK_BITS];
    const r = row & (BLOCK - 1);
    const n = NUMS * r;
    const t = TEXTS * r;
    const e = ENUMS * r;
    c.id[j] = this.ids.at(row)!; c.instrumentId[j] = this.strings.text(texts[t])!; c.side[j] = enums[e] & 1 ? Side.sell : Side.buy;
    c.type[j] = TYPES[enums[e + 1]]; c.tif[j] = TIFS[enums[e + 2]]; c.status[j] = STATUSES[enums[e + 3]];
    c.qty[j] = nums[n]; c.price[j] = nums[n + 1]; c.stopPrice[j] = nums[n + 2]; c.filledQty[j] = nums[n + 3];
    c.avgFillPrice[j] = nums[n + 4]; c.fees[j] = nums[n + 5]; c.createdTs[j] = nums[n + 6]; c.updatedTs[j] = nums[n + 7];
    c.reason[j] = this.strings.text(texts[t + 1]) ?? ''; c.tag[j] = this.strings.text(texts[t + 2]) ?? '';
  }

  /** Drops every order held (handed to a result sink). */
  clear(): void {
    this.ids.clear();
    this.live.clear();
    this.emulated.clear();
  }

  private rebuilt(row: number): Order {
    const { nums, texts, enums } = this.blocks[row >>> BLOCK_BITS];
    const r = row & (BLOCK - 1);
    const n = NUMS * r;
    const t = TEXTS * r;
    const e = ENUMS * r;
    const flags = enums[e];
    return {
      id: this.ids.at(row)!, instrumentId: this.strings.text(texts[t])!, side: flags & 1 ? Side.sell : Side.buy, type: TYPES[enums[e + 1]],
      tif: TIFS[enums[e + 2]], postOnly: (flags & 2) !== 0, reduceOnly: (flags & 4) !== 0,
      qty: nums[n], price: nums[n + 1], stopPrice: nums[n + 2],
      status: STATUSES[enums[e + 3]], filledQty: nums[n + 3], avgFillPrice: nums[n + 4], fees: nums[n + 5], createdTs: nums[n + 6], updatedTs: nums[n + 7],
      reason: this.strings.text(texts[t + 1]), tag: this.strings.text(texts[t + 2]), emulated: this.emulated.get(row) ?? NO_FEATURES,
    };
  }
}

/** Orders (objects) as columns, for a result sink. */
export function ordersAsColumns(orders: readonly Order[]): OrderColumns {
  const c = emptyColumns(orders.length);
  for (let j = 0; j < c.n; j++) orderInto(c, j, orders[j]);
  return c;
}

function emptyColumns(n: number): OrderColumns {
  const text = () => new Array<string>(n);
  const num = () => new Float64Array(n);
  return {
    n, id: text(), instrumentId: text(), side: text(), type: text(), tif: text(), qty: num(), price: num(), stopPrice: num(), status: text(),
    filledQty: num(), avgFillPrice: num(), fees: num(), createdTs: num(), updatedTs: num(), reason: text(), tag: text(),
  };
}

/** A live order into entry `j` of `c`. */
function orderInto(c: OrderColumns, j: number, o: Order): void {
  c.id[j] = o.id; c.instrumentId[j] = o.instrumentId; c.side[j] = o.side; c.type[j] = o.type; c.tif[j] = o.tif; c.status[j] = o.status;
  c.qty[j] = o.qty; c.price[j] = o.price; c.stopPrice[j] = o.stopPrice; c.filledQty[j] = o.filledQty;
  c.avgFillPrice[j] = o.avgFillPrice; c.fees[j] = o.fees; c.createdTs[j] = o.createdTs; c.updatedTs[j] = o.updatedTs;
  c.reason[j] = o.reason ?? ''; c.tag[j] = o.tag ?? '';
}
