import type { TradeColumns } from './result-sink.ts';
import type { RoundTrip } from './trade-log.ts';
import { anyValues } from '../core/array-edit.ts';

/** Rows per block (small: most runs close far fewer round trips than orders or fills). */
const BLOCK_BITS = 13;
const BLOCK = 1 << BLOCK_BITS;

/** Doubles per row, in this order. */
const NUMS = 12;
const QTY = 0, ENTRY_TS = 1, EXIT_TS = 2, ENTRY_PRICE = 3, EXIT_PRICE = 4, PNL = 5, FEES = 6, NET_PNL = 7, RETURN_PCT = 8, BARS = 9, MAE = 10, MFE = 11;

/** One block of rows: twelve doubles per row and a side byte (1: short). */
interface Block {
  readonly nums: Float64Array;
  readonly short: Uint8Array;
}

/**
 * A run's closed round trips as columns, as FillLog keeps fills: per trip twelve doubles, a side
 * byte and three references to strings the run holds anyway (instrument id, entry and exit tag)
 * — no ~250-byte object kept alive per trip (a 1M-bar ma-cross run closes 38.6k). Trips are
 * built as objects only when read (`at`, `toArray`); the metrics (`netPnls`) and result sinks
 * (`columns`) read the columns.
 */
export class RoundTripLog {
  private readonly blocks: Block[] = [];
  private readonly instrumentIds: string[] = anyValues();
  private readonly entryTags: string[] = anyValues();
  private readonly exitTags: string[] = anyValues();
  private rows = 0;

  /** Round trips held. */
  get length(): number {
    return this.rows;
  }

  /** Records a closed round trip (its fields are copied: `t` may be reused). */
  push(t: RoundTrip): void {
    const k = this.rows;
    const b = k >>> BLOCK_BITS;
    if (b === this.blocks.length) this.blocks.push({ nums: new Float64Array(NUMS * BLOCK), short: new Uint8Array(BLOCK) });
    const { nums, short } = this.blocks[b];
    const r = k & (BLOCK - 1);
    const at = NUMS * r;
    nums[at + QTY] = t.qty; nums[at + ENTRY_TS] = t.entryTs; nums[at + EXIT_TS] = t.exitTs;
    nums[at + ENTRY_PRICE] = t.entryPrice; nums[at + EXIT_PRICE] = t.exitPrice;
    nums[at + PNL] = t.pnl; nums[at + FEES] = t.fees; nums[at + NET_PNL] = t.netPnl; nums[at + RETURN_PCT] = t.returnPct;
    nums[at + BARS] = t.bars; nums[at + MAE] = t.mae; nums[at + MFE] = t.mfe;
    short[r] = t.side === 'short' ? 1 : 0;
    this.instrumentIds.push(t.instrumentId);
    this.entryTags.push(t.entryTag);
    this.exitTags.push(t.exitTag);
    this.rows = k + 1;
  }

  /** The round trip in row `k` (0 ≤ k < length), as a new object. */
  at(k: number): RoundTrip {
    const { nums, short } = this.blocks[k >>> BLOCK_BITS];
    const r = k & (BLOCK - 1);
    const at = NUMS * r;
    return {
      instrumentId: this.instrumentIds[k], side: short[r] === 1 ? 'short' : 'long', qty: nums[at + QTY],
      entryTs: nums[at + ENTRY_TS], exitTs: nums[at + EXIT_TS], entryPrice: nums[at + ENTRY_PRICE], exitPrice: nums[at + EXIT_PRICE],
      pnl: nums[at + PNL], fees: nums[at + FEES], netPnl: nums[at + NET_PNL], returnPct: nums[at + RETURN_PCT], bars: nums[at + BARS],
      entryTag: this.entryTags[k], exitTag: this.exitTags[k], mae: nums[at + MAE], mfe: nums[at + MFE],
    };
  }

  /** Every round trip held, as objects, in closing order. */
  toArray(): RoundTrip[] {
    const out = new Array<RoundTrip>(this.rows);
    for (let k = 0; k < this.rows; k++) out[k] = this.at(k);
    return out;
  }

  /** Net P&L of every round trip held, in closing order. */
  netPnls(): number[] {
    const out = new Array<number>(this.rows);
    for (let k = 0; k < this.rows; k++) out[k] = this.blocks[k >>> BLOCK_BITS].nums[NUMS * (k & (BLOCK - 1)) + NET_PNL];
    return out;
  }

  /** Round trips [from, to) as columns, building no round-trip object. */
  columns(from = 0, to = this.rows): TradeColumns {
    const n = to - from;
    const num = () => new Float64Array(n);
    const c: TradeColumns = {
      n, instrumentId: this.instrumentIds.slice(from, to), side: new Array<string>(n), qty: num(), entryTs: num(), exitTs: num(),
      entryPrice: num(), exitPrice: num(), pnl: num(), fees: num(), netPnl: num(), returnPct: num(), bars: num(),
      entryTag: this.entryTags.slice(from, to), exitTag: this.exitTags.slice(from, to), mae: num(), mfe: num(),
    };
    const order = [c.qty, c.entryTs, c.exitTs, c.entryPrice, c.exitPrice, c.pnl, c.fees, c.netPnl, c.returnPct, c.bars, c.mae, c.mfe];
    for (let j = 0; j < n; j++) {
      const k = from + j;
      const { nums, short } = this.blocks[k >>> BLOCK_BITS];
      const r = k & (BLOCK - 1);
      const at = NUMS * r;
      for (let f = 0; f < NUMS; f++) order[f][j] = nums[at + f];
      c.side[j] = short[r] === 1 ? 'short' : 'long';
    }
    return c;
  }

  /** Drops the round trips held (handed to a sink). */
  clear(): void {
    this.rows = 0;
    this.instrumentIds.length = 0;
    this.entryTags.length = 0;
    this.exitTags.length = 0;
  }
}
