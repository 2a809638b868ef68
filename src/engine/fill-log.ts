import { Liquidity, type Fill } from '../core/fill.ts';
import { Side } from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import type { FillColumns } from './result-sink.ts';
import { IdColumn, ORDER_ID_PREFIX } from './id-column.ts';
import { StringCodes } from './string-codes.ts';

/** Rows per block (~300 KB; small for the reason OrderLog's are): blocks are filled in place and never copied as the log grows. */
const BLOCK_BITS = 13;
const BLOCK = 1 << BLOCK_BITS;

/** Bit 0 of a row's flags: a sell; bit 1: a taker fill. */
const SELL = 1;
const TAKER = 2;

/** One block of rows: four doubles per row (price, qty, fee, time), one flag byte and the instrument id's code. */
interface Block {
  readonly nums: Float64Array;
  readonly flags: Uint8Array;
  readonly instruments: Uint32Array;
}

/** One fill's fields, as `FillLog.eachRow` gives them. */
export type FillRowVisitor = (orderId: string, instrumentId: string, side: Side, liquidity: Liquidity, ts: Micros, price: number, qty: number, fee: number) => void;

/**
 * A run's fills as columns: per fill four doubles, a flag byte, the instrument id's code and a
 * number for the order's id (see IdColumn) — ~50 bytes instead of a
 * ~160-byte object kept alive. On this project's machines memory a process touches for the first time
 * costs ~3 ms per MB and a retained object ~1 µs: the L2 grid-mm run's 374k fills and 528k
 * orders kept as objects were a fifth of its replay. Fills are built as objects only when read
 * (`at`, `toArray`); the digest, the counts and result sinks (`columns`) read the columns.
 * Sequence numbers continue across `clear()` (a run that hands its fills to a sink in blocks).
 */
export class FillLog {
  private readonly blocks: Block[] = [];
  private readonly orderIds: IdColumn;
  private readonly instrumentIds = new StringCodes();
  private rows = 0;
  /** Sequence number of row 0 minus one (fills handed on before the last `clear()`). */
  private seqBase = 0;

  /** @param idPrefix the prefix of the ids the engine issues (see IdColumn) */
  constructor(idPrefix = ORDER_ID_PREFIX) {
    this.orderIds = new IdColumn(idPrefix);
  }

  /** Fills held. */
  get length(): number {
    return this.rows;
  }

  /**
   * Records a fill (its sequence number is the run's count of fills recorded, this one included).
   * `orderSeq`: the order id's number, when the caller has it (see IdColumn.push).
   */
  push(orderId: string, instrumentId: string, side: Side, price: number, qty: number, fee: number, liquidity: Liquidity, ts: Micros, orderSeq?: number): void {
    const k = this.rows;
    const b = k >>> BLOCK_BITS;
    if (b === this.blocks.length) this.blocks.push({ nums: new Float64Array(4 * BLOCK), flags: new Uint8Array(BLOCK), instruments: new Uint32Array(BLOCK) });
    const { nums, flags, instruments } = this.blocks[b];
    const r = k & (BLOCK - 1);
    const at = 4 * r;
    nums[at] = price;
    nums[at + 1] = qty;
    nums[at + 2] = fee;
    nums[at + 3] = ts;
    flags[r] = (side === Side.sell ? SELL : 0) | (liquidity === Liquidity.taker ? TAKER : 0);
    instruments[r] = this.instrumentIds.code(instrumentId);
    this.orderIds.push(orderId, orderSeq);
    this.rows = k + 1;
  }

  /** The fill in row `k` (0 ≤ k < length), as a new object. */
  at(k: number): Fill {
    const { nums, flags, instruments } = this.blocks[k >>> BLOCK_BITS];
    const r = k & (BLOCK - 1);
    const at = 4 * r;
    const f = flags[r];
    return {
      seq: this.seqBase + k + 1, orderId: this.orderIds.at(k)!, instrumentId: this.instrumentIds.text(instruments[r])!, side: f & SELL ? Side.sell : Side.buy,
      price: nums[at], qty: nums[at + 1], fee: nums[at + 2], liquidity: f & TAKER ? Liquidity.taker : Liquidity.maker, ts: nums[at + 3],
    };
  }

  /** Every fill held, as objects, in order. */
  toArray(): Fill[] {
    const out = new Array<Fill>(this.rows);
    for (let k = 0; k < this.rows; k++) out[k] = this.at(k);
    return out;
  }

  /**
   * Gives `visit` every fill's fields in order, building nothing (a whole run's fills read as
   * columns would allocate a block of arrays per 64k fills, in memory touched for the first time).
   */
  eachRow(visit: FillRowVisitor): void {
    const ids = this.instrumentIds;
    for (let b = 0, k = 0; k < this.rows; b++) {
      const { nums, flags, instruments } = this.blocks[b];
      const end = Math.min(this.rows - k, BLOCK);
      for (let r = 0; r < end; r++, k++) {
        const at = 4 * r;
        const f = flags[r];
        visit(this.orderIds.at(k)!, ids.text(instruments[r])!, f & SELL ? Side.sell : Side.buy, f & TAKER ? Liquidity.taker : Liquidity.maker,
          nums[at + 3], nums[at], nums[at + 1], nums[at + 2]);
      }
    }
  }

  /** Fills [from, to) as columns, building no fill object. */
  columns(from = 0, to = this.rows): FillColumns {
    const n = to - from;
    const c: FillColumns = {
      n, seq: new Float64Array(n), ts: new Float64Array(n), orderId: this.orderIds.slice(from, to), instrumentId: new Array<string>(n),
      side: new Array<string>(n), price: new Float64Array(n), qty: new Float64Array(n), fee: new Float64Array(n), liquidity: new Array<string>(n),
    };
    for (let j = 0; j < n; j++) {
      const k = from + j;
      const { nums, flags, instruments } = this.blocks[k >>> BLOCK_BITS];
      const r = k & (BLOCK - 1);
      const at = 4 * r;
      const f = flags[r];
      c.seq[j] = this.seqBase + k + 1; c.ts[j] = nums[at + 3]; c.instrumentId[j] = this.instrumentIds.text(instruments[r])!;
      c.side[j] = f & SELL ? Side.sell : Side.buy; c.liquidity[j] = f & TAKER ? Liquidity.taker : Liquidity.maker;
      c.price[j] = nums[at]; c.qty[j] = nums[at + 1]; c.fee[j] = nums[at + 2];
    }
    return c;
  }

  /** Drops the fills held (handed to a sink); the next one's sequence number follows the last. */
  clear(): void {
    this.seqBase += this.rows;
    this.rows = 0;
    this.orderIds.clear();
  }
}

