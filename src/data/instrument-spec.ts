import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DataError } from '../core/errors.ts';
import { InstrumentSchema, type Instrument, type InstrumentInput } from '../core/instrument.ts';
import { formatIssues } from '../core/format-issues.ts';
import type { BarBatch } from './bar-batch.ts';
import { FastParquet } from './parquet-fast.ts';
import { parquetFilesIn } from '../core/files.ts';

/**
 * Instrument facts stored with the data, as NautilusTrader's catalog keeps them: an
 * `instrument.json` inside a tick folder (or a catalog symbol's folder), or
 * `<file>.instrument.json` beside a bar file. Written by `data import --instrument`,
 * `data synth` and session recordings; read by backtests so a run needs no flags.
 */
export type InstrumentSpec = Partial<InstrumentInput>;

const SPEC = 'instrument.json';

/** Where the spec of a feed file or folder lives. */
export async function specPathOf(feed: string): Promise<string> {
  const s = await stat(feed).catch(() => null);
  return s?.isDirectory() ? join(feed, SPEC) : `${feed}.${SPEC}`;
}

/**
 * The spec stored with a feed, or null. A malformed spec is an error naming the file. Without
 * one, a NautilusTrader Parquet file's own metadata gives the tick (see specInParquet).
 */
export async function readInstrumentSpec(feed: string): Promise<InstrumentSpec | null> {
  const file = await specPathOf(feed);
  if (!existsSync(file)) return specInParquet(feed);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new DataError({ file, row: 1 }, `not valid JSON (${(e as Error).message})`, 'Fix the file or delete it to infer the instrument from the data');
  }
  return validSpec(file, raw, 'Fix the file or delete it');
}

/**
 * The tick a NautilusTrader Parquet file states (or, for a folder, its first Parquet file in
 * name order): one unit of its `price_precision` (its prices are fixed-point at that
 * precision, so no price in it is finer), where the prices' decimals could only suggest one
 * (whole-number prices at precision 2 would give a tick of 1). Null for any other data.
 */
async function specInParquet(feed: string): Promise<InstrumentSpec | null> {
  const s = await stat(feed).catch(() => null);
  const file = s?.isDirectory() ? (await parquetFilesIn(feed))[0] : feed;
  if (file === undefined || !/\.(parquet|pq)$/i.test(file) || !existsSync(file)) return null;
  const fast = FastParquet.openFile(file, { text: true });
  const p = fast?.precision?.price;
  fast?.close();
  return p === undefined ? null : { tickSize: Number((10 ** -p).toFixed(p)) };
}

/** The fields the file gives, validated (the schema's defaults are not filled in: absent means "not stated"). */
function validSpec(file: string, raw: unknown, fix: string): InstrumentSpec {
  const r = InstrumentSchema.partial().safeParse(raw);
  if (!r.success) throw new DataError({ file, row: 1 }, `not an instrument spec: ${formatIssues(r.error)}`, fix);
  const given = new Set(Object.keys(raw as object));
  return Object.fromEntries(Object.entries(r.data).filter(([k]) => given.has(k))) as InstrumentSpec;
}

/** The spec of a defined instrument: its fields without the derived id and settlement. */
export function instrumentSpecOf(i: Instrument): InstrumentSpec {
  const { id: _id, settlement: _settlement, ...spec } = i;
  return spec;
}

/** Stores a spec with a feed (folder: inside it; file: beside it). */
export async function writeInstrumentSpec(feed: string, spec: InstrumentSpec): Promise<string> {
  const file = existsSync(feed) && (await stat(feed)).isDirectory() ? join(feed, SPEC) : `${feed}.${SPEC}`;
  if (!existsSync(dirname(file))) throw new DataError({ file, row: 1 }, 'folder does not exist', 'Create the data first');
  await writeFile(file, `${JSON.stringify(spec, null, 2)}\n`);
  return file;
}

/**
 * The price grid the data is on: the largest power-of-ten step (1, 0.1, … 1e-8) every
 * value is a whole multiple of (within float noise), over the first `limit` values of the
 * columns together (read in place: a run does this for every feed, an optimizer trial too).
 * 1e-8 when finer than that.
 */
export function inferTickSize(columns: readonly ArrayLike<number>[], limit = 50_000): number {
  let decimals = 0;
  let left = limit;
  for (const values of columns) {
    const n = Math.min(values.length, left);
    left -= n;
    for (let i = 0; i < n && decimals < 8; i++) decimals = decimalsOf(values[i], decimals);
  }
  return decimals === 0 ? 1 : Number((10 ** -decimals).toFixed(decimals));
}

/** Rows of a bar feed's first batch its tick is inferred from. */
const BAR_TICK_ROWS = 10_000;

/** The tick of a bar feed: inferred from the open, high, low and close of its first batch's first rows (views, nothing copied). */
export function inferBarTickSize(first: BarBatch): number {
  const n = Math.min(first.length, BAR_TICK_ROWS);
  return inferTickSize([first.open.subarray(0, n), first.high.subarray(0, n), first.low.subarray(0, n), first.close.subarray(0, n)]);
}

/** The decimals `v` needs, at least `decimals` (at most 8; a non-finite value needs none). */
function decimalsOf(v: number, decimals: number): number {
  if (!Number.isFinite(v)) return decimals;
  while (decimals < 8 && !onGrid(v, decimals)) decimals++;
  return decimals;
}

function onGrid(v: number, decimals: number): boolean {
  const k = v * 10 ** decimals;
  return Math.abs(k - Math.round(k)) <= 1e-9 * Math.max(1, Math.abs(k));
}

/** NautilusTrader's instrument fields (its `repr`, e.g. `CurrencyPair(id=…, price_increment=0.01, …)`) → ours. */
const NAUTILUS_FIELDS: Record<string, keyof InstrumentInput> = {
  price_increment: 'tickSize', size_increment: 'lotSize', multiplier: 'multiplier', maker_fee: 'makerFee', taker_fee: 'takerFee', min_notional: 'minNotional',
};

/**
 * An instrument spec from a file given to `data import --instrument`: JSON with our field
 * names, or the text NautilusTrader prints for an instrument (`price_increment`,
 * `size_increment`, fees, `min_notional`; `None` fields are left out). Errors name the file.
 */
export async function parseInstrumentFile(file: string): Promise<InstrumentSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new DataError({ file, row: 1 }, `cannot read the instrument file (${(e as NodeJS.ErrnoException).code})`, 'Give a JSON spec or a NautilusTrader instrument repr');
  }
  const raw = text.trimStart().startsWith('{') ? parseJson(file, text) : parseNautilusRepr(file, text);
  const { symbol: _s, venue: _v, ...spec } = validSpec(file, raw, 'Fields: tickSize, lotSize, multiplier, margin, makerFee, takerFee, minNotional');
  void _s; void _v; // the catalog's venue and symbol name the instrument
  return spec;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError({ file, row: 1 }, `not valid JSON (${(e as Error).message})`, 'Fix the file');
  }
}

function parseNautilusRepr(file: string, text: string): Record<string, number> {
  const spec: Record<string, number> = {};
  for (const m of text.matchAll(/(\w+)=([^,()]+)/g)) {
    const key = NAUTILUS_FIELDS[m[1]];
    const value = m[2].trim();
    if (key === undefined || value === 'None') continue;
    const x = Number(value);
    if (!Number.isFinite(x)) throw new DataError({ file, row: 1, field: m[1] }, `"${value}" is not a number`, 'Fix the value or remove the field');
    spec[key] = x;
  }
  if (spec.tickSize === undefined && spec.lotSize === undefined) {
    throw new DataError({ file, row: 1 }, 'neither JSON nor an instrument repr with price_increment / size_increment', 'Give a JSON spec, e.g. {"tickSize": 0.01, "lotSize": 0.001}');
  }
  return spec;
}
