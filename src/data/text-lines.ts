import { isDecimal } from './text-parse.ts';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { builtin } from '../core/builtin.ts';
import { DataError } from '../core/errors.ts';

/** Lines of a text file, gunzipped when it ends in .gz; `row` counts from 1 (the header, if any). */
export async function* textLines(file: string): AsyncGenerator<{ line: string; row: number }> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(builtin('node:zlib').createGunzip()) : raw;
  let row = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      row++;
      if (line === '') continue;
      yield { line, row };
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new DataError({ file, row: 0 }, 'file not found', 'Check the path');
    throw new DataError({ file, row: row + 1 }, `unreadable ${file.endsWith('.gz') ? 'gzip ' : ''}text (${err.message})`, 'Check the file is complete and not corrupted');
  } finally {
    // A reader stopped early (an error in a later row, a run that ended) closes the file now, not at garbage collection.
    lines.close();
    raw.destroy();
  }
}

/** A numeric field, or a DataError naming the file, row and field. */
export function numField(text: string | undefined, file: string, row: number, field: string, allowEmpty = false): number {
  if (text === undefined || text === '') {
    if (allowEmpty) return Number.NaN;
    throw new DataError({ file, row, field }, 'value is missing', 'Fix or remove the row');
  }
  const v = isDecimal(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(v)) throw new DataError({ file, row, field }, `"${text}" is not a decimal number`, 'Fix or remove the row');
  return v;
}
