import { DataError } from '../core/errors.ts';
import { epochToMicros } from '../core/time.ts';
import { allocBarBatch, type BarBatch } from './bar-batch.ts';
import { readParquetColumns } from './parquet-read.ts';
import { allocDeltas, allocQuotes, allocTrades, DeltaFlag, type TickBatch } from './tick-batch.ts';
import { numField, textLines } from './text-lines.ts';

/** Binance data dump kinds. */
export type BinanceKind = 'trades' | 'aggTrades' | 'klines' | 'depth';

/** What to do when an update's previous-update id does not follow on (a gap in the feed). */
export type GapPolicy = 'error' | 'resnapshot';

const KNOWN_HEADERS: Record<BinanceKind, string[]> = {
  trades: ['id', 'price', 'qty', 'quote_qty', 'time', 'is_buyer_maker'],
  aggTrades: ['agg_trade_id', 'price', 'quantity', 'first_trade_id', 'last_trade_id', 'transact_time', 'is_buyer_maker'],
  klines: ['open_time', 'open', 'high', 'low', 'close', 'volume', 'close_time'],
  depth: ['symbol', 'timestamp', 'first_update_id', 'last_update_id', 'side', 'update_type', 'price', 'qty', 'pu'],
};

/** Column positions: from the header when present, else Binance's documented order. */
function columns(kind: BinanceKind, first: string[]): { idx: Record<string, number>; hasHeader: boolean } {
  const hasHeader = first.some((c) => /[a-z]/i.test(c) && !/^(true|false)$/i.test(c));
  const names = hasHeader ? first.map((c) => c.trim()) : KNOWN_HEADERS[kind];
  return { idx: Object.fromEntries(names.map((n, i) => [n, i])), hasHeader };
}

const BATCH = 65_536;
const bool = (s: string | undefined) => s?.toLowerCase() === 'true';

/**
 * Streams a Binance data dump CSV (data.binance.vision; plain or .gz, with or without a
 * header): trades and aggTrades (aggressor from is_buyer_maker), or futures depth updates
 * (`update_type` snap/set with update ids) as book deltas. Depth updates are checked for
 * gaps: each update's `pu` must equal the previous update's `last_update_id`; a gap stops
 * with an error (default) or drops updates until the next snapshot (`resnapshot`).
 * Millisecond or microsecond times are both accepted.
 */
export async function* readBinanceCsv(file: string, kind: Exclude<BinanceKind, 'klines'>, opts: { onGap?: GapPolicy } = {}): AsyncGenerator<TickBatch> {
  let idx: Record<string, number> | null = null;
  let trades = allocTrades(BATCH);
  let deltas = allocDeltas(BATCH + 4096);
  let lastUpdate = Number.NaN;
  let groupId = Number.NaN;
  let inSnap = false;
  let waiting = false;
  let prevTs = -Infinity;
  for await (const { line, row } of textLines(file)) {
    const f = line.split(',');
    if (idx === null) {
      const c = columns(kind, f);
      idx = c.idx;
      if (c.hasHeader) continue;
    }
    const col = (name: string): string | undefined => f[idx![name]];
    if (kind === 'trades' || kind === 'aggTrades') {
      const t = kind === 'trades' ? col('time') : col('transact_time');
      const ts = epochToMicros(numField(t, file, row, kind === 'trades' ? 'time' : 'transact_time'));
      const i = trades.length++;
      trades.ts[i] = ts; trades.tsLocal[i] = ts;
      trades.price[i] = numField(col('price'), file, row, 'price');
      trades.qty[i] = numField(kind === 'trades' ? col('qty') : col('quantity'), file, row, kind === 'trades' ? 'qty' : 'quantity');
      // The buyer was the maker ⇒ the seller took liquidity.
      trades.aggressor[i] = bool(col('is_buyer_maker')) ? -1 : 1;
      if (i > 0 && ts < trades.ts[i - 1]) throw new DataError({ file, row, field: 'time' }, 'times go backwards', 'Sort the dump by time');
      if (trades.length === BATCH) { yield { kind: 'trades', batch: trades }; trades = allocTrades(BATCH); }
      continue;
    }
    const ts = epochToMicros(numField(col('timestamp'), file, row, 'timestamp'));
    if (ts < prevTs) throw new DataError({ file, row, field: 'timestamp' }, 'timestamps go backwards', 'Sort the dump by time');
    prevTs = ts;
    const first = numField(col('first_update_id'), file, row, 'first_update_id');
    const last = numField(col('last_update_id'), file, row, 'last_update_id');
    const pu = numField(col('pu'), file, row, 'pu');
    const type = col('update_type');
    const side = col('side');
    if (side !== 'b' && side !== 'a') throw new DataError({ file, row, field: 'side' }, `side "${side}" is not b or a`, 'Fix or remove the row');
    const snap = type === 'snap';
    if (!snap && type !== 'set') throw new DataError({ file, row, field: 'update_type' }, `update type "${type}" is not snap or set`, 'Fix or remove the row');
    const newGroup = last !== groupId;
    if (newGroup && deltas.length > 0) deltas.flags[deltas.length - 1] |= DeltaFlag.last;
    if (newGroup && deltas.length >= BATCH) { yield { kind: 'deltas', batch: deltas }; deltas = allocDeltas(BATCH + 4096); }
    if (snap) {
      waiting = false;
    } else if (newGroup && !Number.isNaN(lastUpdate) && pu !== lastUpdate) {
      if ((opts.onGap ?? 'error') === 'error') {
        throw new DataError({ file, row, field: 'pu' }, `sequence gap: update ${first}–${last} follows ${pu}, but the previous update ended at ${lastUpdate}`, 'Re-download the missing updates, or pass --on-gap resnapshot to wait for the next snapshot');
      }
      waiting = true;
    }
    if (newGroup) {
      groupId = last;
      if (!waiting) lastUpdate = last;
    }
    if (waiting) continue;
    const i = deltas.length++;
    deltas.ts[i] = ts; deltas.tsLocal[i] = ts; deltas.side[i] = side === 'b' ? 1 : -1;
    deltas.price[i] = numField(col('price'), file, row, 'price');
    deltas.qty[i] = numField(col('qty'), file, row, 'qty');
    deltas.flags[i] = snap ? DeltaFlag.snapshot | (inSnap ? 0 : DeltaFlag.clear) : 0;
    inSnap = snap;
  }
  if (trades.length > 0) yield { kind: 'trades', batch: trades };
  if (deltas.length > 0) {
    deltas.flags[deltas.length - 1] |= DeltaFlag.last;
    yield { kind: 'deltas', batch: deltas };
  }
}

/** Binance klines CSV (open_time, open, high, low, close, volume, …) as bars stamped at their open. */
export async function readBinanceKlines(file: string): Promise<BarBatch> {
  const rows: number[][] = [];
  let idx: Record<string, number> | null = null;
  const rowNo: number[] = [];
  for await (const { line, row } of textLines(file)) {
    const f = line.split(',');
    if (idx === null) {
      const c = columns('klines', f);
      idx = c.idx;
      if (c.hasHeader) continue;
    }
    rows.push(['open_time', 'open', 'high', 'low', 'close', 'volume'].map((k) => numField(f[idx![k]], file, row, k)));
    rowNo.push(row);
  }
  const b = allocBarBatch(rows.length);
  rows.forEach((r, i) => {
    b.ts[i] = epochToMicros(r[0]); b.open[i] = r[1]; b.high[i] = r[2]; b.low[i] = r[3]; b.close[i] = r[4]; b.volume[i] = r[5]; b.row![i] = rowNo[i];
  });
  b.length = rows.length;
  return b;
}

/**
 * NautilusTrader-style Binance Parquet samples: trades (timestamp, trade_id, price,
 * quantity, buyer_maker) or quotes (timestamp, ask_size, ask, bid_size, bid).
 */
export async function readBinanceParquet(file: string): Promise<TickBatch> {
  const { rows: n, columns } = await readParquetColumns(file, { time: ['timestamp'] });
  const names = Object.keys(columns);
  const column = (name: string) => {
    const v = columns[name];
    if (v === undefined) throw new DataError({ file, row: 0, field: name }, `missing column ${name} (found ${names.join(', ')})`, 'Pass a Binance trades or quotes Parquet sample');
    return v;
  };
  const num = (name: string) => {
    const v = column(name);
    if (!(v instanceof Float64Array)) throw new DataError({ file, row: 0, field: name }, `column ${name} holds text, not numbers`, 'Pass a Binance trades or quotes Parquet sample');
    return v;
  };
  const ts = num('timestamp'); // µs: typed by the file, or plain numbers read by their magnitude
  if (names.includes('buyer_maker')) {
    const b = allocTrades(n);
    b.length = n;
    b.ts.set(ts); b.tsLocal.set(ts); b.price.set(num('price')); b.qty.set(num('quantity'));
    const bm = column('buyer_maker');
    for (let i = 0; i < n; i++) b.aggressor[i] = String(bm[i]).toLowerCase() === 'true' ? -1 : 1;
    return { kind: 'trades', batch: b };
  }
  const q = allocQuotes(n);
  q.length = n;
  q.ts.set(ts); q.tsLocal.set(ts); q.bidPrice.set(num('bid')); q.bidSize.set(num('bid_size')); q.askPrice.set(num('ask')); q.askSize.set(num('ask_size'));
  return { kind: 'quotes', batch: q };
}
