import { open } from 'node:fs/promises';
import { DataError } from '../core/errors.ts';
import { allocBarBatch, type BarBatch } from './bar-batch.ts';
import { parseNumber, parseTimeOfDay, parseTimestamp } from './text-parse.ts';

/** Column positions found in a bar CSV header. */
export interface BarColumns {
  /** Timestamp, date-time or date column. */
  ts: number;
  /** Separate time-of-day column (when the date is in its own column), else −1. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** −1 when the file has no volume (volume reads as 0). */
  volume: number;
  /** Number of header fields. */
  count: number;
}

const TS_NAMES = ['timestamp', 'datetime', 'date_time', 'ts', 'time', 'open_time', 'date'];

/** Maps a header line to column positions, case-insensitively; extra columns are ignored. */
export function barColumnsFromHeader(names: readonly string[], file: string): BarColumns {
  const lower = names.map((n) => n.trim().replace(/^"|"$/g, '').toLowerCase());
  const find = (...cands: string[]): number => {
    for (const c of cands) {
      const i = lower.indexOf(c);
      if (i >= 0) return i;
    }
    return -1;
  };
  const date = lower.indexOf('date');
  const time = lower.indexOf('time');
  let ts: number;
  let tod = -1;
  if (date >= 0 && time >= 0) {
    ts = date;
    tod = time;
  } else {
    ts = find(...TS_NAMES);
  }
  const cols: BarColumns = {
    ts, time: tod, open: find('open', 'o'), high: find('high', 'h'), low: find('low', 'l'), close: find('close', 'c'),
    volume: find('volume', 'vol', 'v'), count: names.length,
  };
  const missing = (['ts', 'open', 'high', 'low', 'close'] as const).filter((k) => cols[k] < 0);
  if (missing.length > 0) {
    const want = missing.map((k) => (k === 'ts' ? 'timestamp (or date, or date + time)' : k)).join(', ');
    throw new DataError({ file, row: 1 }, `header has no ${want} column (found: ${names.join(', ')})`,
      'Add a header row naming the columns, e.g. "timestamp,open,high,low,close,volume"');
  }
  return cols;
}

export interface CsvReadOptions {
  /** Rows per batch (default 65,536). */
  batchSize?: number;
  /** Bytes read per I/O call (default 4 MiB). */
  chunkBytes?: number;
}

/**
 * Streams a header-driven OHLCV CSV as batches. Parsing works on raw bytes; values that
 * cannot be parsed become NaN and are reported by validation with their row and field.
 * Rows with the wrong number of fields throw a DataError at once.
 */
export async function* readCsvBars(file: string, opts: CsvReadOptions = {}): AsyncGenerator<BarBatch> {
  const batchSize = opts.batchSize ?? 65_536;
  const chunkBytes = opts.chunkBytes ?? 4 << 20;
  const fh = await open(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let carry = 0; // bytes at the start of buf left from the previous read
    let cols: BarColumns | null = null;
    let line = 0;
    let eof = false;
    let batch = allocBarBatch(batchSize);
    const starts = new Int32Array(256);
    const ends = new Int32Array(256);
    while (!eof) {
      if (carry === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, null);
      eof = bytesRead === 0;
      let end = carry + bytesRead;
      if (eof && end > 0 && buf[end - 1] !== 10) {
        if (end === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length + 1);
          buf.copy(bigger, 0, 0, end);
          buf = bigger;
        }
        buf[end] = 10; // terminate a last line that has no newline
        end++;
      }
      let pos = 0;
      for (;;) {
        const nl = buf.indexOf(10, pos);
        if (nl < 0 || nl >= end) break;
        line++;
        let e = nl;
        if (e > pos && buf[e - 1] === 13) e--;
        if (e === pos) {
          pos = nl + 1;
          continue; // blank line
        }
        // Split fields.
        let nf = 0;
        let fs = pos;
        for (let i = pos; i < e; i++) {
          if (buf[i] === 44) {
            if (nf < 256) { starts[nf] = fs; ends[nf] = i; }
            nf++;
            fs = i + 1;
          }
        }
        if (nf < 256) { starts[nf] = fs; ends[nf] = e; }
        nf++;
        if (cols === null) {
          const names: string[] = [];
          for (let k = 0; k < Math.min(nf, 256); k++) names.push(buf.toString('latin1', starts[k], ends[k]));
          if (names.length > 0) names[0] = names[0].replace(/^\uFEFF|^ï»¿/, '');
          cols = barColumnsFromHeader(names, file);
          pos = nl + 1;
          continue;
        }
        if (nf !== cols.count) {
          throw new DataError({ file, row: line }, `expected ${cols.count} fields like the header, found ${nf}`,
            'Fix the row (a stray comma or a missing value?) or remove it');
        }
        const n = batch.length;
        let ts = parseTimestamp(buf, starts[cols.ts], ends[cols.ts]);
        if (cols.time >= 0) ts += parseTimeOfDay(buf, starts[cols.time], ends[cols.time]);
        batch.ts[n] = ts;
        batch.open[n] = parseNumber(buf, starts[cols.open], ends[cols.open]);
        batch.high[n] = parseNumber(buf, starts[cols.high], ends[cols.high]);
        batch.low[n] = parseNumber(buf, starts[cols.low], ends[cols.low]);
        batch.close[n] = parseNumber(buf, starts[cols.close], ends[cols.close]);
        batch.volume[n] = cols.volume >= 0 ? parseNumber(buf, starts[cols.volume], ends[cols.volume]) : 0;
        batch.row[n] = line;
        batch.length = n + 1;
        if (batch.length === batchSize) {
          yield batch;
          batch = allocBarBatch(batchSize);
        }
        pos = nl + 1;
      }
      carry = end - pos;
      if (carry > 0 && !eof) buf.copy(buf, 0, pos, end);
    }
    if (cols === null) {
      throw new DataError({ file, row: 1 }, 'file is empty', 'Give a CSV with a header row and at least one data row');
    }
    if (batch.length > 0) yield batch;
  } finally {
    await fh.close();
  }
}
