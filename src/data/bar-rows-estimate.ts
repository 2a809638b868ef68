import { stat } from 'node:fs/promises';
import { barFormatOf } from './read-bars.ts';

/** Bytes of a bar CSV row, about (a one-minute bar with its date-time, OHLC and volume is 40–50). */
const CSV_ROW_BYTES = 40;
/** Bytes of an Arrow IPC bar row, about (six 8-byte columns). */
const ARROW_ROW_BYTES = 48;

/**
 * About how many rows a bar file holds, known before it is read: a Parquet file's footer
 * count, a CSV or Arrow file's size over a row's usual size. NaN for a folder, a file that
 * is not there, or a Parquet footer this project's decoder does not read.
 */
export async function barRowsEstimate(file: string): Promise<number> {
  const s = await stat(file).catch(() => null);
  if (s === null || !s.isFile()) return Number.NaN;
  const format = barFormatOf(file);
  if (format === 'csv') return Math.round(s.size / CSV_ROW_BYTES);
  if (format === 'arrow') return Math.round(s.size / ARROW_ROW_BYTES);
  const { FastParquet } = await import('./parquet-fast.ts'); // loaded by the run anyway for a Parquet file
  try {
    const p = FastParquet.openFile(file, { text: true });
    if (p === null) return Number.NaN;
    p.close();
    return p.numRows;
  } catch {
    return Number.NaN; // the run reports the broken file
  }
}
