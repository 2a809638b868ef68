import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { nautilusTickFiles, nautilusTickKind } from './nautilus-catalog.ts';
import { ConfigError, DataError } from '../core/errors.ts';
import { BAD_CODE, tickValidation, toCodes, validateTicks, type TickValidation } from './tick-validation.ts';
import { FastParquet, readParquetBytes } from './parquet-fast.ts';
import { microsColumn, writeParquetFile } from './parquet-write.ts';
import type { DeltaBatch, QuoteBatch, TickBatch, TradeBatch } from './tick-batch.ts';
import { makeDir, parquetFilesIn } from '../core/files.ts';

/**
 * Normalized tick files (the catalog's and `data synth`'s format), one kind per file,
 * timestamps as int64 µs since the epoch:
 *   trades: ts_event, ts_local, price, size, aggressor (int8: 1 buy, −1 sell, 0 unknown)
 *   quotes: ts_event, ts_local, bid_price, bid_size, ask_price, ask_size
 *   deltas: ts_event, ts_local, side (int8: 1 bid, −1 ask), price, size (0 removes), flags (uint8: 1 snapshot, 2 clear, 4 last)
 */
export type TickKind = TickBatch['kind'];

const COLUMNS: Record<TickKind, readonly string[]> = {
  trades: ['ts_event', 'ts_local', 'price', 'size', 'aggressor'],
  quotes: ['ts_event', 'ts_local', 'bid_price', 'bid_size', 'ask_price', 'ask_size'],
  deltas: ['ts_event', 'ts_local', 'side', 'price', 'size', 'flags'],
};

/**
 * NautilusTrader's catalog tables read as ticks (prices and sizes fixed-point, see fixed-point.ts;
 * times uint64 ns): `ts_init` is the local time, `aggressor_side` 1 buyer, 2 seller, 0 none.
 */
const NAUTILUS_COLUMNS: Partial<Record<TickKind, readonly string[]>> = {
  trades: ['ts_event', 'ts_init', 'price', 'size', 'aggressor_side'],
  quotes: ['ts_event', 'ts_init', 'bid_price', 'bid_size', 'ask_price', 'ask_size'],
};

/** The kind of a normalized (or NautilusTrader) tick table, from its column names. */
export function tickKindOf(names: readonly string[], file: string): TickKind {
  for (const kind of ['deltas', 'quotes', 'trades'] as const) if (COLUMNS[kind].every((c) => names.includes(c))) return kind;
  for (const kind of ['quotes', 'trades'] as const) if (NAUTILUS_COLUMNS[kind]!.every((c) => names.includes(c))) return kind;
  throw new DataError({ file, row: 0 }, `columns ${names.join(', ')} are not a normalized trades, quotes or deltas table (nor NautilusTrader's trades or quotes)`,
    `Write columns ${Object.entries(COLUMNS).map(([k, c]) => `${k}: ${c.join(',')}`).join(' | ')}`);
}

/** Writes one batch as a normalized Parquet file. */
export async function writeTickParquet(file: string, b: TickBatch): Promise<void> {
  const n = b.batch.length;
  const base = { ts_event: microsColumn(b.batch.ts.subarray(0, n)), ts_local: microsColumn(b.batch.tsLocal.subarray(0, n)) };
  if (b.kind === 'trades') {
    const t = b.batch;
    await writeParquetFile(file, { ...base, price: t.price.subarray(0, n), size: t.qty.subarray(0, n), aggressor: Float64Array.from(t.aggressor.subarray(0, n)) });
  } else if (b.kind === 'quotes') {
    const q = b.batch;
    await writeParquetFile(file, { ...base, bid_price: q.bidPrice.subarray(0, n), bid_size: q.bidSize.subarray(0, n), ask_price: q.askPrice.subarray(0, n), ask_size: q.askSize.subarray(0, n) });
  } else {
    const d = b.batch;
    await writeParquetFile(file, { ...base, side: Float64Array.from(d.side.subarray(0, n)), price: d.price.subarray(0, n), size: d.qty.subarray(0, n), flags: Float64Array.from(d.flags.subarray(0, n)) });
  }
}

/** Reads one column of a batch as doubles (µs for time columns); undefined when missing. */
type ColumnOf = (name: string, asTime: boolean) => Float64Array | undefined;

const isAggressor = (x: number) => x === 1 || x === -1 || x === 0;
const isSide = (x: number) => x === 1 || x === -1;
const isFlags = (x: number) => Number.isInteger(x) && x >= 0 && x <= 7;

/** NautilusTrader's AggressorSide (1 buyer, 2 seller, 0 none) as our aggressor codes, in place; other values stay (and are refused). */
function fromAggressorSide(side: Float64Array): Float64Array {
  for (let i = 0; i < side.length; i++) if (side[i] === 2) side[i] = -1;
  return side;
}

/** Builds a batch from a row group's columns and validates it (`v`: the stream's state and bad-row policy). */
function batchOf(kind: TickKind, get: ColumnOf, n: number, v: TickValidation, firstRow: number): TickBatch {
  const col = (name: string, asTime = false): Float64Array => {
    const c = get(name, asTime);
    if (!c) throw new DataError({ file: v.file, row: firstRow, field: name }, `missing column ${name}`, 'Use the normalized tick schema (see the README)');
    return c;
  };
  const ts = col('ts_event', true);
  const tsLocal = get('ts_local', true) ?? col('ts_init', true);
  const raw = new Map<number, number>();
  let tb: TickBatch;
  if (kind === 'trades') {
    const aggressor = toCodes(new Int8Array(n), get('aggressor', false) ?? fromAggressorSide(col('aggressor_side')), isAggressor, BAD_CODE.int8, raw);
    tb = { kind, batch: { length: n, ts, tsLocal, price: col('price'), qty: col('size'), aggressor, firstRow } };
  } else if (kind === 'quotes') {
    tb = { kind, batch: { length: n, ts, tsLocal, bidPrice: col('bid_price'), bidSize: col('bid_size'), askPrice: col('ask_price'), askSize: col('ask_size'), firstRow } };
  } else {
    const side = toCodes(new Int8Array(n), col('side'), isSide, BAD_CODE.int8, raw);
    const flags = toCodes(new Uint8Array(n), col('flags'), isFlags, BAD_CODE.uint8, raw);
    tb = { kind, batch: { length: n, ts, tsLocal, side, price: col('price'), qty: col('size'), flags, firstRow } };
  }
  return validateTicks(tb, v, raw);
}

/**
 * Streams a normalized tick Parquet file one row group at a time. Files in the subset
 * parquet-fast.ts handles (what we write, and files with extra text columns such as a symbol)
 * decode directly; others (zstd, say) go through parquet-wasm and Arrow, decoded whole.
 */
export async function* readTickParquet(file: string, v: TickValidation = tickValidation()): AsyncGenerator<TickBatch> {
  v.file = file;
  const fast = FastParquet.openFile(file, { text: true });
  const kind = fast === null ? null : decodedKind(fast, file);
  if (fast === null || kind === null) {
    yield* readTickParquetArrow(file, await readParquetBytes(file), v);
    return;
  }
  try {
    yield* fastTicks(fast, kind, v);
  } finally {
    fast.close();
  }
}

/**
 * The file's tick kind, or null when a column that kind needs holds text (an aggressor written
 * as 'buy': the Arrow path reads those; other text columns, a symbol say, are never decoded).
 * The file is closed when it is left to the Arrow path or is no tick table.
 */
function decodedKind(fast: FastParquet, file: string): TickKind | null {
  let kind: TickKind;
  try {
    kind = tickKindOf(fast.columns.map((c) => c.name), file);
  } catch (e) {
    fast.close();
    throw e;
  }
  const text = new Set(fast.columns.filter((c) => c.physical === 'text').map((c) => c.name));
  if (!COLUMNS[kind].some((c) => text.has(c))) return kind;
  fast.close();
  return null;
}

/** A tick file in parquet-fast's subset, row group by row group (memory: one row group). */
function* fastTicks(fast: FastParquet, kind: TickKind, v: TickValidation): Generator<TickBatch> {
  const names = new Set(fast.columns.map((c) => c.name));
  let row = 1;
  for (let g = 0; g < fast.rowGroups.length; g++) {
    const n = fast.rowGroups[g].numRows;
    if (n === 0) continue;
    const tb = batchOf(kind, (name, asTime) => (names.has(name) ? fast.readColumn(g, name, asTime) : undefined), n, v, row);
    if (tb.batch.length > 0) yield tb;
    row += n;
  }
}

/** The general path: parquet-wasm decodes the file whole into Arrow batches (loaded only when needed). */
async function* readTickParquetArrow(file: string, bytes: Uint8Array, v: TickValidation): AsyncGenerator<TickBatch> {
  const [{ Table: ArrowTable }, { arrowColumnToFloat64 }, { readParquetTable }] = await Promise.all([
    import('apache-arrow'), import('./arrow-columns.ts'), import('./parquet-batches.ts'),
  ]);
  const table = await readParquetTable(file, 65_536, bytes);
  let row = 1;
  let kind: TickKind | null = null;
  for (const rb of table.batches) {
    const t = new ArrowTable(rb);
    kind ??= tickKindOf(t.schema.fields.map((f) => f.name), file);
    if (t.numRows > 0) {
      const tb = batchOf(kind, (name, asTime) => {
        const c = t.getChild(name);
        return c ? arrowColumnToFloat64(c, asTime) : undefined;
      }, t.numRows, v, row);
      if (tb.batch.length > 0) yield tb;
    }
    row += t.numRows;
  }
  if (kind === null) tickKindOf(table.schema.fields.map((f) => f.name), file);
}

/**
 * Tick files of a folder (or one file), grouped by kind in name order: `deltas-*.parquet`,
 * `trades-*.parquet`, `quotes-*.parquet`. An instrument's folder of NautilusTrader's catalog
 * (`…/trade_tick/ID` or `…/quote_tick/ID`) stands for the instrument's ticks there (see
 * nautilusTickFiles); one file of such a folder is that folder's kind.
 */
export async function tickFilesOf(path: string): Promise<Record<TickKind, string[]>> {
  const s = await stat(path).catch(() => null);
  if (s === null) throw new ConfigError(`tick data ${path} not found`);
  const folder = s.isDirectory();
  const nautilusKind = nautilusTickKind(path, folder);
  const out = folder && nautilusKind !== undefined ? await nautilusTickFiles(path) : byName(folder ? await parquetFilesIn(path) : [path], nautilusKind);
  if (out.trades.length + out.quotes.length + out.deltas.length === 0) {
    throw new ConfigError(`no tick files in ${path}: expected deltas-*.parquet, trades-*.parquet or quotes-*.parquet (or a NautilusTrader catalog's trade_tick/ID or quote_tick/ID folder)`);
  }
  return out;
}

/** Files grouped by the kind their names start with (`trades-…`), else `otherwise`'s (files without either are left out). */
function byName(files: readonly string[], otherwise: TickKind | undefined): Record<TickKind, string[]> {
  const out: Record<TickKind, string[]> = { trades: [], quotes: [], deltas: [] };
  for (const f of files) {
    const k = (['trades', 'quotes', 'deltas'] as const).find((kind) => basename(f).startsWith(kind)) ?? otherwise;
    if (k) out[k].push(f);
  }
  return out;
}

/** Batches of one kind from several files, in file order. */
/** The batches of one stream's files in order, validated as one sequence (time order holds across files). */
export async function* readTickFiles<B>(files: readonly string[], v: TickValidation = tickValidation()): AsyncGenerator<B> {
  for (const f of files) for await (const b of readTickParquet(f, v)) yield b.batch as B;
}

/** Writes a synthetic or imported stream as `<dir>/<kind>-NNNNN.parquet` parts. */
export async function writeTickParts(dir: string, kind: TickKind, batches: AsyncIterable<TickBatch> | Iterable<TickBatch>): Promise<number> {
  await makeDir(dir);
  let part = 0;
  for await (const b of batches) {
    if (b.batch.length === 0) continue;
    await writeTickParquet(join(dir, `${kind}-${String(part++).padStart(5, '0')}.parquet`), b);
  }
  return part;
}
