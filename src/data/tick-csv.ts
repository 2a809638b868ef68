import { DataError } from '../core/errors.ts';
import { epochDigitsToMicros, epochToMicros, isNanosEpoch, parseDateTime } from '../core/time.ts';
import { allocDeltas, allocQuotes, allocTrades, type TickBatch } from './tick-batch.ts';
import { tickKindOf, type TickKind } from './tick-parquet.ts';
import { numField, textLines } from './text-lines.ts';
import { isDecimal } from './text-parse.ts';
import { BAD_CODE, tickValidation, validateTicks, type TickValidation } from './tick-validation.ts';

const BATCH = 65_536;

/** A timestamp cell: an integer epoch (s, ms, µs or ns by magnitude) or an ISO date-time. */
function timeField(text: string | undefined, file: string, row: number, field: string): number {
  const t = (text ?? '').trim();
  const v = /^\d+$/.test(t) ? epochTextToMicros(t) : isDecimal(t) ? Number.NaN : parseDateTime(t);
  if (Number.isNaN(v)) throw new DataError({ file, row, field }, `"${t}" is not a timestamp (an integer epoch or an ISO date-time)`, 'Fix or remove the row');
  return v;
}

/** An epoch integer's digits as µs: a nanosecond count (isNanosEpoch) from its digits, exactly. */
function epochTextToMicros(digits: string): number {
  const v = Number(digits);
  return isNanosEpoch(v) ? epochDigitsToMicros(Number(digits.slice(0, -3)), Number(digits.slice(-3)), false) : epochToMicros(v);
}

function fresh(kind: TickKind): TickBatch {
  if (kind === 'trades') return { kind, batch: allocTrades(BATCH) };
  if (kind === 'quotes') return { kind, batch: allocQuotes(BATCH) };
  return { kind, batch: allocDeltas(BATCH) };
}

/** Writes one CSV row into the batch at its length. */
function put(tb: TickBatch, cell: (name: string) => number, time: (name: string) => number, raw: Map<number, number>): void {
  const b = tb.batch;
  const i = b.length++;
  const code = (v: number, ok: boolean, bad: number): number => {
    if (ok) return v;
    raw.set(i, v);
    return bad;
  };
  b.ts[i] = time('ts_event');
  b.tsLocal[i] = time('ts_local');
  if (tb.kind === 'trades') {
    tb.batch.price[i] = cell('price'); tb.batch.qty[i] = cell('size'); const a = cell('aggressor');
    tb.batch.aggressor[i] = code(a, a === 1 || a === -1 || a === 0, BAD_CODE.int8);
  } else if (tb.kind === 'quotes') {
    tb.batch.bidPrice[i] = cell('bid_price'); tb.batch.bidSize[i] = cell('bid_size'); tb.batch.askPrice[i] = cell('ask_price'); tb.batch.askSize[i] = cell('ask_size');
  } else {
    const side = cell('side');
    tb.batch.side[i] = code(side, side === 1 || side === -1, BAD_CODE.int8); tb.batch.price[i] = cell('price'); tb.batch.qty[i] = cell('size');
    const f = cell('flags');
    tb.batch.flags[i] = code(f, Number.isInteger(f) && f >= 0 && f <= 7, BAD_CODE.uint8);
  }
}

/**
 * Streams a CSV in the normalized tick schema (the Parquet files' columns: trades
 * `ts_event,ts_local,price,size,aggressor`, quotes `…,bid_price,bid_size,ask_price,ask_size`,
 * deltas `…,side,price,size,flags`; any column order; .gz ok) as validated batches. Row
 * numbers count the header as row 1.
 */
export async function* readTickCsv(file: string, v: TickValidation = tickValidation()): AsyncGenerator<TickBatch> {
  v.file = file;
  let idx: Record<string, number> | null = null;
  let kind: TickKind = 'trades';
  let tb: TickBatch | null = null;
  let raw = new Map<number, number>(); // the file's values of code cells that are not valid codes, by batch row
  for await (const { line, row } of textLines(file)) {
    const f = line.split(',');
    if (idx === null) {
      const header = f.map((h) => h.trim());
      kind = tickKindOf(header, file);
      idx = Object.fromEntries(header.map((h, i) => [h, i]));
      continue;
    }
    tb ??= fresh(kind);
    if (tb.batch.length === 0) tb.batch.firstRow = row;
    const at = idx;
    const before = tb.batch.length;
    try {
      put(tb, (name) => numField(f[at[name]], file, row, name), (name) => timeField(f[at[name]], file, row, name), raw);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      // A cell that does not parse is a bad row like any other: the policy decides (throws under error).
      tb.batch.length = before;
      raw.delete(before);
      // The rows before it are checked first, so under error the first bad row is the one named.
      const done = tb.batch.length > 0 ? validateTicks(tb, v, raw) : null;
      v.handler.bad(e.location, e.problem);
      // Skipped: end the batch here so the next rows keep their own row numbers.
      if (done !== null) yield done;
      tb = null;
      raw = new Map();
      continue;
    }
    if (tb.batch.length === BATCH) {
      yield validateTicks(tb, v, raw);
      tb = null;
      raw = new Map();
    }
  }
  if (idx === null) throw new DataError({ file, row: 1 }, 'the file is empty (no header row)', 'Write a header row with the normalized column names');
  if (tb !== null && tb.batch.length > 0) yield validateTicks(tb, v, raw);
}
