import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
// @ts-expect-error -- a plain .mjs script without type declarations
import { assembleWat, WAT_MODULES } from '../../scripts/assemble-wat.mjs';
import { createRng, type Rng } from '../core/rng.ts';
import { allocBarBatch } from './bar-batch.ts';
import { readCsvBars } from './csv-bars.ts';
import { CSV_ROWS_WASM } from './csv-rows-binary.ts';
import { CsvRowsWasm, RowsStop } from './csv-rows-wasm.ts';

const tmp = tempDir();
const ROLES_OHLCV = Uint8Array.from([1, 3, 4, 5, 6, 7]); // ts, open, high, low, close, volume (csv-bars.ts ROLE)

/** A parser holding `text` at the start of its input; rows parsed into a new batch. */
function parseText(text: string, roles = ROLES_OHLCV, maxRows = 100) {
  const p = new CsvRowsWasm(4096);
  expect(p.setRoles(roles)).toBe(true);
  const n = p.input.write(text, 0, 'latin1');
  const b = allocBarBatch(maxRows);
  const stop = p.parse(0, n, 1, b, maxRows);
  return { p, b, stop };
}

describe('CsvRowsWasm', () => {
  it('is the binary of csv-rows.wat (run scripts/assemble-wat.mjs after changing the text)', async () => {
    const m = WAT_MODULES.find((w: { name: string }) => w.name === 'CSV_ROWS_WASM');
    expect(await assembleWat(m.wat)).toBe(CSV_ROWS_WASM);
  });

  it('parses plain rows to the values worked out by hand, numbering lines from the one given', () => {
    const { p, b, stop } = parseText('2024-01-01 00:01:00,1.5,2,-0.25,1.25,10\n\n2024-02-29T23:59:59.5Z,100.07,0.001,7,8,0\n');
    expect(stop).toBe(RowsStop.noLine);
    expect(b.length).toBe(2);
    // 2024-01-01 is 19,723 days after 1970-01-01 (54 years, 13 leap days: 54·365 + 13).
    expect(b.ts[0]).toBe((19_723 * 86_400 + 60) * 1e6);
    // 2024-02-29: 31 + 28 more days; 23:59:59.5.
    expect(b.ts[1]).toBe(((19_723 + 59) * 86_400 + 86_399) * 1e6 + 500_000);
    expect([b.open[0], b.high[0], b.low[0], b.close[0], b.volume[0]]).toEqual([1.5, 2, -0.25, 1.25, 10]);
    expect([b.open[1], b.high[1], b.low[1], b.close[1], b.volume[1]]).toEqual([100.07, 0.001, 7, 8, 0]);
    expect([b.row![0], b.row![1]]).toEqual([2, 4]); // line 3 is blank
    expect(p.line).toBe(4);
  });

  it('stops before a line it leaves to JavaScript, and before an unfinished line', () => {
    const first = parseText('1704067200,1,1,1,1,1\n"1704067260",1,1,1,1,1\n');
    expect(first.stop).toBe(RowsStop.slowLine);
    expect(first.b.length).toBe(1);
    expect(first.p.pos).toBe('1704067200,1,1,1,1,1\n'.length);
    expect(first.p.line).toBe(2); // the slow line is not counted: JavaScript counts it
    for (const slow of ['1704067200,1e2,1,1,1,1', '1704067200,1,1,1,1', '1704067200,1,1,1,1,1,1', '1704067200, 1,1,1,1,1',
      '1704067200,1234567890123456,1,1,1,1', '2024-01-01T00:00:00+01:00,1,1,1,1,1', '2024-13-01,1,1,1,1,1', '1704067200,,1,1,1,1']) {
      expect(parseText(`${slow}\n`).stop, slow).toBe(RowsStop.slowLine);
    }
    const partial = parseText('1704067200,1,1,1,1,1\n1704067260,1,1');
    expect(partial.stop).toBe(RowsStop.noLine);
    expect(partial.b.length).toBe(1);
    expect(partial.p.pos).toBe('1704067200,1,1,1,1,1\n'.length);
  });

  it('reads CRLF lines itself', () => {
    const { b, stop } = parseText('1,1,1,1,1,1\r\n2,2,2,2,2,2.5\r\n');
    expect(stop).toBe(RowsStop.noLine);
    expect(Array.from(b.volume.subarray(0, b.length))).toEqual([1, 2.5]);
  });

  it('stops when the rows asked for are parsed', () => {
    const { p, b, stop } = parseText('1,1,1,1,1,1\n2,2,2,2,2,2\n3,3,3,3,3,3\n', ROLES_OHLCV, 2);
    expect(stop).toBe(RowsStop.full);
    expect(b.length).toBe(2);
    expect(p.pos).toBe(24);
    expect(Array.from(b.ts.subarray(0, 2))).toEqual([1e6, 2e6]); // epoch seconds in µs
  });

  it('leaves a file with more header columns than it holds roles for to JavaScript', () => {
    expect(new CsvRowsWasm(64).setRoles(new Uint8Array(257))).toBe(false);
  });
});

// ---- the WebAssembly path against JavaScript's, on every form a field may take ---------------

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => String(Math.floor(rng.next() * 10))).join('');
const two = (n: number): string => String(n).padStart(2, '0');

function numberText(rng: Rng): string {
  const r = rng.next();
  if (r < 0.55) return `${rng.next() < 0.1 ? '-' : ''}${digits(rng, 1 + Math.floor(rng.next() * 6))}.${digits(rng, 1 + Math.floor(rng.next() * 8))}`;
  if (r < 0.7) return digits(rng, 1 + Math.floor(rng.next() * 17)); // up to 17 digits: past the exact path
  if (r < 0.8) return `${digits(rng, Math.floor(rng.next() * 3))}.${digits(rng, Math.floor(rng.next() * 25))}`; // leading zeros, 0–24 decimals
  return pick(rng, ['-0', '-0.0', '.5', '5.', '-.5', '+5', '1e5', '1.5E-3', ' 5', '5 ', '"5"', '', 'abc', '0x10', 'Infinity', 'NaN', '-',
    '.', '1.2.3', '00000000000000000012.5', '99999999999999999999', '123456789012345.6', '0.0000000000000000000001', '0.00000000000000000000001', '0.000000000000000000000012', '9007199254740993']);
}

function timestampText(rng: Rng): string {
  const y = pick(rng, [1970, 1999, 2000, 2020, 2024, 2100, 1600, 0]);
  const m = 1 + Math.floor(rng.next() * 12);
  const d = 1 + Math.floor(rng.next() * 28);
  const date = `${String(y).padStart(4, '0')}${pick(rng, ['-', '-', '/'])}${two(m)}-${two(d)}`.replace(/\/(\d\d)-/, '/$1/');
  const time = `${two(Math.floor(rng.next() * 24))}:${two(Math.floor(rng.next() * 60))}`;
  const sec = `:${two(Math.floor(rng.next() * 60))}`;
  const r = rng.next();
  if (r < 0.4) return `${date} ${time}${sec}`;
  if (r < 0.5) return `${date}T${time}${sec}${pick(rng, ['', 'Z', '.5', '.123456', '.123456789Z', '+02:00', '-05:30'])}`;
  if (r < 0.55) return `${date}${pick(rng, ['', ' ', 'T'])}${pick(rng, [time, ''])}`;
  if (r < 0.75) return String(Math.floor(rng.next() * 1.7e9) * pick(rng, [1, 1000, 1_000_000, 1_000_000_000]));
  return pick(rng, ['2024-13-01', '2024-00-10', '2024-01-32', '2024-01-01 25:00', '2024-01-01 24:00', '2024-01-01 23:60', '2024-01-01 00:00:61',
    '2024-01-01 00:00:60', '"2024-01-01"', ' 2024-01-01', '2024-01-01 ', '-1700000000', '1700000000.5', '1700000000.0', 'yesterday', '',
    '2024-1-01', '2024-01-01 0:00', '2024-01-01 00:00:00.', '2024-01-01 00:00:00.x', '2024-01-01X00:00', '12345678901234567890']);
}

/** A CSV with `rows` random rows: mostly plain, some of every other form; blank lines, CRLF; with `badRow`, that row has a field too many or too few. */
function randomCsv(rng: Rng, rows: number, dateAndTime: boolean, badRow = -1): string {
  const header = dateAndTime ? 'date,time,open,high,low,close,volume,note' : 'timestamp,open,high,low,close,volume';
  const lines = [header];
  for (let k = 0; k < rows; k++) {
    const plain = rng.next() < 0.7;
    const num = (): string => (plain ? `${100 + Math.floor(rng.next() * 1000) / 100}` : numberText(rng));
    const ts = plain ? `2024-01-${two(1 + (k % 28))} ${two(k % 24)}:${two(k % 60)}:00` : timestampText(rng);
    const fields = dateAndTime ? [...ts.split(/[ T]/, 2).concat(['']).slice(0, 2), num(), num(), num(), num(), num(), 'x'] : [ts, num(), num(), num(), num(), num()];
    let line = fields.join(',');
    const odd = rng.next();
    if (odd < 0.01) line = '';
    else if (odd < 0.02) line += '\r';
    if (k === badRow) line = rng.next() < 0.5 ? `${line},1` : line.slice(0, line.lastIndexOf(','));
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/** Every row's values (bit for bit: NaN and -0 kept), or the error that stopped the read. */
async function readAll(file: string, wasmRows: boolean, chunkBytes: number): Promise<{ values: number[]; error: string | null }> {
  const values: number[] = [];
  try {
    for await (const b of readCsvBars(file, { wasmRows, chunkBytes, batchSize: 1000 })) {
      for (let i = 0; i < b.length; i++) values.push(b.ts[i], b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i], b.row![i]);
    }
    return { values, error: null };
  } catch (e) {
    return { values, error: (e as Error).message };
  }
}

describe('readCsvBars with WebAssembly rows', () => {
  it('reads every value bit for bit as JavaScript alone does, and stops at the same error', async () => {
    let compared = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const rng = createRng(seed);
      const dateAndTime = seed % 4 === 0;
      const file = tmp.file(`random-${seed}.csv`, randomCsv(rng, 2500, dateAndTime, seed % 5 === 0 ? 2000 : -1));
      const chunkBytes = pick(rng, [64, 1000, 4096, 256 << 10]);
      const js = await readAll(file, false, chunkBytes);
      const wasm = await readAll(file, true, chunkBytes);
      expect(wasm.error, `seed ${seed}`).toBe(js.error);
      expect(wasm.values.length, `seed ${seed}`).toBe(js.values.length);
      for (let k = 0; k < js.values.length; k++) {
        if (!Object.is(wasm.values[k], js.values[k])) expect.fail(`seed ${seed}, value ${k}: ${wasm.values[k]} against JavaScript's ${js.values[k]}`);
      }
      if (seed % 5 === 0) expect(js.error, `seed ${seed}`).toMatch(/expected \d+ fields like the header/);
      compared += js.values.length;
    }
    expect(compared).toBeGreaterThan(24 * 2000 * 7); // the files are read to their end or to their bad row, not stopped at once
  });

  it('reads a file whose every row is left to JavaScript (quoted) to the same values', async () => {
    const text = `timestamp,open,high,low,close,volume\n${Array.from({ length: 500 }, (_, k) => `"${1.7e9 + 60 * k}","1.5","2","1","1.25","${k}"`).join('\n')}\n`;
    const file = tmp.file('quoted.csv', text);
    const js = await readAll(file, false, 4096);
    const wasm = await readAll(file, true, 4096);
    expect(js.values.length).toBe(500 * 7);
    expect(wasm.values).toEqual(js.values);
    expect(js.values.slice(0, 7)).toEqual([1.7e15, 1.5, 2, 1, 1.25, 0, 2]);
  });

  it('reads a file without errors wholly through the WebAssembly path to the same values', async () => {
    const rng = createRng(99);
    const text = `timestamp,open,high,low,close,volume\n${Array.from({ length: 3000 }, (_, k) => `${1.7e9 + 60 * k},${numberText(rng).replace(/[^0-9.]/g, '') || '1'},2,3,4,${k}`).join('\n')}\n`;
    const file = tmp.file('plain.csv', text);
    const js = await readAll(file, false, 256 << 10);
    const wasm = await readAll(file, true, 256 << 10);
    expect(js.error).toBe(null);
    expect(wasm.values.map(String)).toEqual(js.values.map(String));
  });
});
