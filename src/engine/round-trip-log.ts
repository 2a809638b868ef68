import type { TradeColumns } from './result-sink.ts';
import type { RoundTrip } from './trade-log.ts';
import { StringCodes } from './string-codes.ts';

/** Rows per block (small: most runs close far fewer round trips than orders or fills). */
const BLOCK_BITS = 13;
const BLOCK = 1 << BLOCK_BITS;

/** Doubles per row, in this order. */
const NUMS = 12;
const QTY = 0, ENTRY_TS = 1, EXIT_TS = 2, ENTRY_PRICE = 3, EXIT_PRICE = 4, PNL = 5, FEES = 6, NET_PNL = 7, RETURN_PCT = 8, BARS = 9, MAE = 10, MFE = 11;

/** Codes per row: instrument id, entry tag, exit tag. */
const TEXTS = 3;

/** One block of rows: twelve doubles per row, a side byte (1: short) and three string codes. */
interface Block {
  readonly nums: Float64Array;
  readonly short: Uint8Array;
  readonly texts: Uint32Array;
}

/**
 * A run's closed round trips as columns, as FillLog keeps fills: per trip twelve doubles, a side
 * byte and three string codes (instrument id, entry and exit tag, interned)
 * — no ~250-byte object kept alive per trip (a 1M-bar ma-cross run closes 38.6k). Trips are
 * built as objects only when read (`at`, `toArray`); the metrics (`netPnls`) and result sinks
 * (`columns`) read the columns.
 */
export class RoundTripLog {
  private readonly blocks: Block[] = [];
  private readonly strings = new StringCodes();
  private rows = 0;

  /** Round trips held. */
  get length(): number {
    return this.rows;
  }

  /** Records a closed round trip (its fields are copied). */
  push(t: RoundTrip): void {
    this.add(t.instrumentId, t.side === 'short', t.qty, t.entryTs, t.exitTs, t.entryPrice, t.exitPrice, t.pnl, t.fees, t.netPnl, t.returnPct, t.bars, t.entryTag, t.exitTag, t.mae, t.mfe);
  }

  /** Records a closed round trip given field by field (the trade log's path: no object per trip, nothing boxed once inlined). */
  add(
    instrumentId: string, short: boolean, qty: number, entryTs: number, exitTs: number, entryPrice: number, exitPrice: number, pnl: number,
    fees: number, netPnl: number, returnPct: number, bars: number, entryTag: string, exitTag: string, mae: number, mfe: number,
  ): void {
    const k = this.rows;
    const b = k >>> BLOCK_BITS;
    if (b === this.blocks.length) this.blocks.push({ nums: new Float64Array(NUMS * BLOCK), short: new Uint8Array(BLOCK), texts: new Uint32Array(TEXTS * BLOCK) });
    const block = this.blocks[b];
    const nums = block.nums;
    const r = k & (BLOCK - 1);
    const at = NUMS * r;
    nums[at + QTY] = qty; nums[at + ENTRY_TS] = entryTs; nums[at + EXIT_TS] = exitTs;
    nums[at + ENTRY_PRICE] = entryPrice; nums[at + EXIT_PRICE] = exitPrice;
    nums[at + PNL] = pnl; nums[at + FEES] = fees; nums[at + NET_PNL] = netPnl; nums[at + RETURN_PCT] = returnPct;
    nums[at + BARS] = bars; nums[at + MAE] = mae; nums[at + MFE] = mfe;
    block.short[r] = short ? 1 : 0;
    const codes = this.strings;
    const texts = block.texts;
    texts[TEXTS * r] = codes.code(instrumentId); texts[TEXTS * r + 1] = codes.code(entryTag); texts[TEXTS * r + 2] = codes.code(exitTag);
    this.rows = k + 1;
  }

  /** The round trip in row `k` (0 ≤ k < length), as a new object. */
  at(k: number): RoundTrip {
    const { nums, short, texts } = this.blocks[k >>> BLOCK_BITS];
    const r = k & (BLOCK - 1);
    const at = NUMS * r;
    const t = TEXTS * r;
    const codes = this.strings;
    return {
      instrumentId: codes.text(texts[t])!, side: short[r] === 1 ? 'short' : 'long', qty: nums[at + QTY],
      entryTs: nums[at + ENTRY_TS], exitTs: nums[at + EXIT_TS], entryPrice: nums[at + ENTRY_PRICE], exitPrice: nums[at + EXIT_PRICE],
      pnl: nums[at + PNL], fees: nums[at + FEES], netPnl: nums[at + NET_PNL], returnPct: nums[at + RETURN_PCT], bars: nums[at + BARS],
      entryTag: codes.text(texts[t + 1])!, exitTag: codes.text(texts[t + 2])!, mae: nums[at + MAE], mfe: nums[at + MFE],
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
      n, instrumentId: new Array<string>(n), side: new Array<string>(n), qty: num(), entryTs: num(), exitTs: num(),
      entryPrice: num(), exitPrice: num(), pnl: num(), fees: num(), netPnl: num(), returnPct: num(), bars: num(),
      entryTag: new Array<string>(n), exitTag: new Array<string>(n), mae: num(), mfe: num(),
    };
    const order = [c.qty, c.entryTs, c.exitTs, c.entryPrice, c.exitPrice, c.pnl, c.fees, c.netPnl, c.returnPct, c.bars, c.mae, c.mfe];
    for (let j = 0; j < n; j++) {
      const k = from + j;
      const { nums, short, texts } = this.blocks[k >>> BLOCK_BITS];
      const r = k & (BLOCK - 1);
      const at = NUMS * r;
      for (let f = 0; f < NUMS; f++) order[f][j] = nums[at + f];
      c.side[j] = short[r] === 1 ? 'short' : 'long';
      const t = TEXTS * r;
      c.instrumentId[j] = this.strings.text(texts[t])!; c.entryTag[j] = this.strings.text(texts[t + 1])!; c.exitTag[j] = this.strings.text(texts[t + 2])!;
    }
    return c;
  }

  /** Drops the round trips held (handed to a sink). */
  clear(): void {
    this.rows = 0;
  }
}
