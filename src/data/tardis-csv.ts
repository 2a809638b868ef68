import { DataError } from '../core/errors.ts';
import { allocDeltas, allocQuotes, allocTrades, DeltaFlag, type DeltaBatch, type TickBatch } from './tick-batch.ts';
import { numField, textLines } from './text-lines.ts';

/** The Tardis.dev CSV data types we read. */
export type TardisKind = 'trades' | 'quotes' | 'incremental_book_L2' | 'book_snapshot';

/** Which Tardis data type a header is. */
export function tardisKindOf(header: readonly string[], file: string): TardisKind {
  const has = (...c: string[]) => c.every((x) => header.includes(x));
  if (!has('timestamp', 'local_timestamp')) {
    throw new DataError({ file, row: 1 }, `not a Tardis CSV header (no timestamp/local_timestamp): ${header.join(',')}`, 'Pass a file downloaded from Tardis.dev datasets');
  }
  if (has('is_snapshot', 'side', 'price', 'amount')) return 'incremental_book_L2';
  if (has('asks[0].price', 'bids[0].price')) return 'book_snapshot';
  if (has('ask_price', 'bid_price', 'ask_amount', 'bid_amount')) return 'quotes';
  if (has('side', 'price', 'amount')) return 'trades';
  throw new DataError({ file, row: 1 }, `unknown Tardis data type with columns ${header.join(',')}`, 'Supported: trades, quotes, incremental_book_L2, book_snapshot_N');
}

const BATCH = 65_536;

/**
 * Streams a Tardis.dev CSV (plain or .gz) as normalized tick batches: trades, quotes, or
 * book deltas (incremental_book_L2 with snapshot/clear flags; book_snapshot_N rows become
 * a cleared book rebuilt from the row's levels). The `last` flag closes each group of
 * rows sharing a timestamp. Timestamps are µs already.
 */
export async function* readTardisCsv(file: string): AsyncGenerator<TickBatch> {
  let header: string[] | null = null;
  let kind: TardisKind | null = null;
  let idx: Record<string, number> = {};
  let trades = allocTrades(BATCH);
  let quotes = allocQuotes(BATCH);
  let deltas = allocDeltas(BATCH + 2048);
  let prevSnapshot = false;
  let prevTs = -Infinity;
  let levels = 0;
  for await (const { line, row } of textLines(file)) {
    const f = line.split(',');
    if (header === null) {
      header = f.map((h) => h.trim());
      kind = tardisKindOf(header, file);
      idx = Object.fromEntries(header.map((h, i) => [h, i]));
      if (kind === 'book_snapshot') while (idx[`asks[${levels}].price`] !== undefined) levels++;
      continue;
    }
    if (f.length !== header.length) {
      throw new DataError({ file, row }, `${f.length} fields, the header has ${header.length}`, 'Fix or remove the row (a truncated file?)');
    }
    const ts = numField(f[idx.timestamp], file, row, 'timestamp');
    const tsLocal = numField(f[idx.local_timestamp], file, row, 'local_timestamp');
    if (tsLocal < prevTs) throw new DataError({ file, row, field: 'local_timestamp' }, 'local timestamps go backwards', 'Tardis files are in local_timestamp order: check the file');
    if (kind === 'trades') {
      const i = trades.length++;
      const side = f[idx.side];
      trades.ts[i] = ts; trades.tsLocal[i] = tsLocal;
      trades.price[i] = numField(f[idx.price], file, row, 'price');
      trades.qty[i] = numField(f[idx.amount], file, row, 'amount');
      trades.aggressor[i] = side === 'buy' ? 1 : side === 'sell' ? -1 : 0;
      if (trades.length === BATCH) { trades.firstRow = row - BATCH + 1; yield { kind: 'trades', batch: trades }; trades = allocTrades(BATCH); }
    } else if (kind === 'quotes') {
      const i = quotes.length++;
      quotes.ts[i] = ts; quotes.tsLocal[i] = tsLocal;
      quotes.bidPrice[i] = numField(f[idx.bid_price], file, row, 'bid_price', true);
      quotes.bidSize[i] = numField(f[idx.bid_amount], file, row, 'bid_amount', true) || 0;
      quotes.askPrice[i] = numField(f[idx.ask_price], file, row, 'ask_price', true);
      quotes.askSize[i] = numField(f[idx.ask_amount], file, row, 'ask_amount', true) || 0;
      if (quotes.length === BATCH) { quotes.firstRow = row - BATCH + 1; yield { kind: 'quotes', batch: quotes }; quotes = allocQuotes(BATCH); }
    } else {
      // A new timestamp closes the previous group: mark its last delta.
      if (deltas.length > 0 && ts !== deltas.ts[deltas.length - 1]) deltas.flags[deltas.length - 1] |= DeltaFlag.last;
      if (deltas.length >= BATCH) { yield { kind: 'deltas', batch: deltas }; deltas = allocDeltas(BATCH + 2048); deltas.firstRow = row; }
      if (kind === 'incremental_book_L2') {
        const snap = f[idx.is_snapshot] === 'true';
        const side = f[idx.side];
        if (side !== 'bid' && side !== 'ask') throw new DataError({ file, row, field: 'side' }, `side "${side}" is not bid or ask`, 'Fix or remove the row');
        const i = deltas.length++;
        deltas.ts[i] = ts; deltas.tsLocal[i] = tsLocal; deltas.side[i] = side === 'bid' ? 1 : -1;
        deltas.price[i] = numField(f[idx.price], file, row, 'price');
        deltas.qty[i] = numField(f[idx.amount], file, row, 'amount');
        deltas.flags[i] = (snap ? DeltaFlag.snapshot : 0) | (snap && !prevSnapshot ? DeltaFlag.clear : 0);
        prevSnapshot = snap;
      } else {
        const start = deltas.length;
        for (let k = 0; k < levels; k++) {
          for (const [side, name] of [[-1, 'asks'], [1, 'bids']] as const) {
            const p = f[idx[`${name}[${k}].price`]];
            if (p === '') continue;
            const i = deltas.length++;
            deltas.ts[i] = ts; deltas.tsLocal[i] = tsLocal; deltas.side[i] = side;
            deltas.price[i] = numField(p, file, row, `${name}[${k}].price`);
            deltas.qty[i] = numField(f[idx[`${name}[${k}].amount`]], file, row, `${name}[${k}].amount`);
            deltas.flags[i] = DeltaFlag.snapshot | (i === start ? DeltaFlag.clear : 0);
          }
        }
        if (deltas.length > start) deltas.flags[deltas.length - 1] |= DeltaFlag.last;
      }
    }
    prevTs = tsLocal;
  }
  if (header === null) throw new DataError({ file, row: 1 }, 'empty file', 'Pass a Tardis CSV with its header row');
  if (trades.length > 0) yield { kind: 'trades', batch: trades };
  if (quotes.length > 0) yield { kind: 'quotes', batch: quotes };
  if (deltas.length > 0) {
    deltas.flags[deltas.length - 1] |= DeltaFlag.last;
    yield { kind: 'deltas', batch: deltas };
  }
}

/** A whole (small) Tardis file as one batch of its kind (tests, imports). */
export async function readTardisAll(file: string): Promise<TickBatch[]> {
  const out: TickBatch[] = [];
  for await (const b of readTardisCsv(file)) out.push(b);
  return out;
}

export type { DeltaBatch };
