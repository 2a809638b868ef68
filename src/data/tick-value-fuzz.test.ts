import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { BadRowHandler } from './bad-rows.ts';
import { ParquetStreamWriter } from './parquet-stream.ts';
import type { DeltaBatch, TradeBatch } from './tick-batch.ts';
import { readTickCsv } from './tick-csv.ts';
import { readTickFiles } from './tick-parquet.ts';
import { tickValidation } from './tick-validation.ts';

/**
 * Value fuzz: tick files whose cells are drawn at random from good and bad values (NaN,
 * ±Infinity, 0, negatives, unknown codes, times before 1970 or after 2200, rows out of
 * order within a row group, across row groups and across files). An oracle written here
 * (not the reader's validation) says which rows are bad; the reader must then either name
 * the first bad row (policy error) or return exactly the good rows and count the rest
 * (policy skip). No file may change a result silently.
 */
const tmp = tempDir();
const T0 = 1_700_000_000_000_000;
const MAX_TIME = Date.UTC(2200, 0, 1) * 1000;

let seed = 20261130;
const rnd = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
const pick = <T>(good: readonly T[], bad: readonly T[], pBad: number): T => (rnd() < pBad ? bad : good)[Math.floor(rnd() * (rnd() < pBad ? bad : good).length)] ?? good[0];

type Row = number[]; // [ts_event, ts_local, ...values]
interface Verdict { bad: Map<number, Set<string>>; kept: Row[] }

/** The oracle: which rows break which rule, walking the stream as a reader must (order against the last good row). */
function judge(rows: readonly Row[], rules: readonly ((r: Row) => string | null)[]): Verdict {
  const bad = new Map<number, Set<string>>();
  const kept: Row[] = [];
  let prev = 0;
  rows.forEach((r, i) => {
    const fields = new Set<string>();
    const timesInRange = [0, 1].every((k) => r[k] >= 0 && r[k] <= MAX_TIME);
    if (!(r[0] >= 0 && r[0] <= MAX_TIME)) fields.add('ts_event');
    if (!(r[1] >= 0 && r[1] <= MAX_TIME) || (timesInRange && r[1] < prev)) fields.add('ts_local');
    for (const rule of rules) {
      const f = rule(r);
      if (f) fields.add(f);
    }
    if (fields.size > 0) bad.set(i, fields);
    else {
      kept.push(r);
      prev = r[1];
    }
  });
  return { bad, kept };
}

const positive = (x: number) => x > 0 && x < Infinity;
const TRADE_RULES = [(r: Row) => (positive(r[2]) ? null : 'price'), (r: Row) => (positive(r[3]) ? null : 'size'), (r: Row) => ([1, -1, 0].includes(r[4]) ? null : 'aggressor')];
const DELTA_RULES = [
  (r: Row) => ([1, -1].includes(r[2]) ? null : 'side'), (r: Row) => (positive(r[3]) ? null : 'price'),
  (r: Row) => (r[4] >= 0 && r[4] < Infinity ? null : 'size'), (r: Row) => (Number.isInteger(r[5]) && r[5] >= 0 && r[5] <= 7 ? null : 'flags'),
];

const BAD_PRICES = [0, -5, Number.NaN, Infinity, -Infinity];
function times(n: number, pBad: number): Row[] {
  let t = T0;
  return Array.from({ length: n }, () => {
    t += 1 + Math.floor(rnd() * 1000);
    const local = rnd() < pBad ? [t - 5000, -1, MAX_TIME + 1, t][Math.floor(rnd() * 4)] : t;
    const event = rnd() < pBad / 3 ? -7 : Math.max(0, local - 100);
    return [event, local];
  });
}

function tradeRows(n: number, pBad: number): Row[] {
  return times(n, pBad).map(([e, l]) => [e, l, pick([100.25, 0.01, 1e12, 5e-324], BAD_PRICES, pBad), pick([1, 0.001, 250], [0, -1, Number.NaN, Infinity], pBad),
    pick([1, -1, 0], [7, 0.5, 2, -2, Number.NaN], pBad)]);
}

function deltaRows(n: number, pBad: number): Row[] {
  return times(n, pBad).map(([e, l]) => [e, l, pick([1, -1], [0, 2, Number.NaN], pBad), pick([99.5, 100, 1e9], BAD_PRICES, pBad),
    pick([0, 2.5, 10], [-1, Number.NaN, Infinity], pBad), pick([0, 1, 4, 7], [8, 255, 3.5, -1, Number.NaN], pBad)]);
}

/** Writes `rows` as Parquet files of the stream (random cuts into files and row groups); returns them with each file's first row. */
function writeParquetStream(name: string, names: readonly string[], rows: readonly Row[]): { files: string[]; firstRow: number[] } {
  const files: string[] = [];
  const firstRow: number[] = [];
  const cut = 1 + Math.floor(rnd() * (rows.length - 1));
  for (const [from, to] of [[0, cut], [cut, rows.length]]) {
    const file = tmp.file(`${name}-${files.length}.parquet`);
    const w = new ParquetStreamWriter(file, Object.fromEntries(names.map((n, k) => [n, k < 2 ? 'timestamp' : 'double'])));
    for (let g = from; g < to;) {
      const e = Math.min(to, g + 1 + Math.floor(rnd() * 12));
      w.writeRowGroup(Object.fromEntries(names.map((n, k) => [n, Float64Array.from(rows.slice(g, e), (r) => r[k])])), e - g);
      g = e;
    }
    w.close();
    files.push(file);
    firstRow.push(from);
  }
  return { files, firstRow };
}

async function readStream(files: readonly string[], policy: 'error' | 'skip', width: number): Promise<{ rows: Row[]; skipped: number }> {
  const v = tickValidation(new BadRowHandler(policy));
  const rows: Row[] = [];
  for await (const b of readTickFiles<TradeBatch & DeltaBatch>(files, v)) {
    for (let i = 0; i < b.length; i++) {
      rows.push(width === 5 ? [b.ts[i], b.tsLocal[i], b.price[i], b.qty[i], b.aggressor[i]] : [b.ts[i], b.tsLocal[i], b.side[i], b.price[i], b.qty[i], b.flags[i]]);
    }
  }
  return { rows, skipped: v.handler.report.skipped };
}

/** Checks a stream against the oracle under both policies; returns whether it had a bad row. */
async function check(kind: 'trades' | 'deltas', k: number): Promise<boolean> {
  const pBad = [0, 0.01, 0.05, 0.3][k % 4];
  const rows = kind === 'trades' ? tradeRows(30, pBad) : deltaRows(30, pBad);
  const names = kind === 'trades' ? ['ts_event', 'ts_local', 'price', 'size', 'aggressor'] : ['ts_event', 'ts_local', 'side', 'price', 'size', 'flags'];
  const verdict = judge(rows, kind === 'trades' ? TRADE_RULES : DELTA_RULES);
  const { files, firstRow } = writeParquetStream(`${kind}-${k}`, names, rows);
  const first = [...verdict.bad.keys()][0];
  const strict = await readStream(files, 'error', names.length).then((r) => r, (e: Error) => e);
  if (first === undefined) {
    expect(strict, `${kind} #${k}: no bad row, no error`).not.toBeInstanceOf(Error);
    expect((strict as { rows: Row[] }).rows).toEqual(rows);
  } else {
    expect(strict, `${kind} #${k}: row ${first} is bad (${[...verdict.bad.get(first)!]})`).toBeInstanceOf(Error);
    const file = first < firstRow[1] ? 0 : 1;
    const m = /([^/]+\.parquet):(\d+) field "(\w+)"/.exec((strict as Error).message);
    expect([m?.[1], Number(m?.[2])], (strict as Error).message).toEqual([`${kind}-${k}-${file}.parquet`, first - firstRow[file] + 1]);
    expect(verdict.bad.get(first)).toContain(m![3]);
  }
  const lenient = await readStream(files, 'skip', names.length);
  expect(lenient.skipped).toBe(verdict.bad.size);
  expect(lenient.rows).toEqual(verdict.kept);
  return first !== undefined;
}

describe('tick value fuzz: every file is named at its first bad row or read as exactly its good rows', () => {
  for (const kind of ['trades', 'deltas'] as const) {
    it(`${kind}: 150 streams of 30 rows in 2 files and random row groups, each checked under error and skip`, async () => {
      let withBad = 0;
      for (let k = 0; k < 150; k++) if (await check(kind, k)) withBad++;
      expect(withBad).toBeGreaterThan(60); // the fuzz does produce bad rows (and clean streams: 1 in 4 has none)
      expect(withBad).toBeLessThan(150);
    }, 60_000);
  }

  it('normalized CSV trades: 100 files, the same oracle', async () => {
    let withBad = 0;
    for (let k = 0; k < 100; k++) {
      const rows = tradeRows(20, [0, 0.02, 0.1, 0.3][k % 4]);
      const verdict = judge(rows, TRADE_RULES);
      const cell = (x: number) => (Number.isNaN(x) ? 'NaN' : String(x));
      const f = tmp.file(`csv-${k}.csv`);
      writeFileSync(f, `ts_event,ts_local,price,size,aggressor\n${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`);
      const read = async (policy: 'error' | 'skip') => {
        const v = tickValidation(new BadRowHandler(policy));
        const out: Row[] = [];
        for await (const tb of readTickCsv(f, v)) {
          const b = tb.batch as TradeBatch;
          for (let i = 0; i < b.length; i++) out.push([b.ts[i], b.tsLocal[i], b.price[i], b.qty[i], b.aggressor[i]]);
        }
        return { rows: out, skipped: v.handler.report.skipped };
      };
      const first = [...verdict.bad.keys()][0];
      const strict = await read('error').then((r) => r, (e: Error) => e);
      if (first === undefined) expect(strict).not.toBeInstanceOf(Error);
      else {
        withBad++;
        expect(strict).toBeInstanceOf(Error);
        // CSV rows count the header: data row i is line i + 2.
        expect((strict as Error).message, (strict as Error).message).toMatch(new RegExp(`csv-${k}\\.csv:${first + 2} field "(${[...verdict.bad.get(first)!].join('|')})"`));
      }
      const lenient = await read('skip');
      expect(lenient.skipped).toBe(verdict.bad.size);
      expect(lenient.rows).toEqual(verdict.kept);
    }
    expect(withBad).toBeGreaterThan(30);
  }, 60_000);
});
