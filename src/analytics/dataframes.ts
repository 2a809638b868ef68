import type { Table } from 'apache-arrow';
import type { DataFrame } from 'danfojs';
import { ConfigError } from '../core/errors.ts';
import { isoFromMicros } from '../core/time.ts';

/** The parts of a run result (in memory or read back from reports/) the frames are built from. */
export interface RunSeries {
  readonly equity: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number>; readonly cash: ArrayLike<number>; readonly exposure: ArrayLike<number> };
  readonly trades: readonly { side: string; qty: number; entryTs: number; exitTs: number; entryPrice: number; exitPrice: number; netPnl: number; returnPct: number; bars: number }[];
  readonly fills: readonly { ts: number; side: string; price: number; qty: number; fee: number }[];
}

/** One optimization trial: its parameters and the metrics it scored. */
export interface TrialRow {
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, number>>;
}

type Columns = Record<string, (number | string | null)[]>;

// danfojs pulls in TensorFlow.js: loaded on first use only.
let danfo: typeof import('danfojs') | undefined;
async function frame(cols: Columns): Promise<DataFrame> {
  try {
    danfo ??= await import('danfojs');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new ConfigError('DataFrames need danfojs, an optional dependency that is not installed: npm install danfojs (./scripts/setup.sh installs it); the *Table functions give Apache Arrow tables without it');
  }
  return new danfo.DataFrame(cols);
}

const iso = (t: number): string => isoFromMicros(t);
const num = (v: number): number | null => (Number.isFinite(v) ? v : null);

function equityColumns(r: RunSeries): Columns {
  const e = r.equity;
  const n = e.ts.length;
  return {
    time: Array.from({ length: n }, (_, i) => iso(e.ts[i])),
    equity: Array.from(e.equity, num), cash: Array.from(e.cash, num), exposure: Array.from(e.exposure, num),
    return: Array.from({ length: n }, (_, i) => (i === 0 ? null : num(e.equity[i] / e.equity[i - 1] - 1))),
  };
}

function returnColumns(r: RunSeries): Columns {
  const e = r.equity;
  const n = Math.max(0, e.ts.length - 1);
  return {
    time: Array.from({ length: n }, (_, i) => iso(e.ts[i + 1])),
    return: Array.from({ length: n }, (_, i) => num(e.equity[i + 1] / e.equity[i] - 1)),
    logReturn: Array.from({ length: n }, (_, i) => num(Math.log(e.equity[i + 1] / e.equity[i]))),
  };
}

function tradeColumns(r: RunSeries): Columns {
  const t = r.trades;
  return {
    side: t.map((x) => x.side), qty: t.map((x) => x.qty), entryTime: t.map((x) => iso(x.entryTs)), exitTime: t.map((x) => iso(x.exitTs)),
    entryPrice: t.map((x) => x.entryPrice), exitPrice: t.map((x) => x.exitPrice), netPnl: t.map((x) => x.netPnl),
    returnPct: t.map((x) => num(x.returnPct)), bars: t.map((x) => x.bars),
  };
}

function fillColumns(r: RunSeries): Columns {
  const f = r.fills;
  return { time: f.map((x) => iso(x.ts)), side: f.map((x) => x.side), price: f.map((x) => x.price), qty: f.map((x) => x.qty), fee: f.map((x) => x.fee) };
}

function trialColumns(trials: readonly TrialRow[]): Columns {
  const pk = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const mk = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))];
  const cols: Columns = {};
  for (const k of pk) cols[k] = trials.map((t) => { const v = t.params[k]; return typeof v === 'number' || typeof v === 'string' ? v : v === undefined ? null : String(v); });
  for (const k of mk) cols[k in cols ? `metric_${k}` : k] = trials.map((t) => num(t.metrics[k] ?? Number.NaN));
  return cols;
}

/** Query rows (e.g. `catalog.sql(…)`) as a danfojs DataFrame: dates as ISO UTC, other objects as text. */
export function rowsFrame(rows: readonly Record<string, unknown>[]): Promise<DataFrame> {
  const names = rows.length > 0 ? Object.keys(rows[0]) : [];
  const cell = (v: unknown): number | string | null => (v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'string' ? v
    : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return frame(Object.fromEntries(names.map((n) => [n, rows.map((r) => cell(r[n]))])));
}

/** Equity curve as a danfojs DataFrame: time (ISO UTC), equity, cash, exposure, return. */
export const equityFrame = (r: RunSeries): Promise<DataFrame> => frame(equityColumns(r));
/** Per-bar simple and log returns of the equity curve (one row fewer than the curve). */
export const returnsFrame = (r: RunSeries): Promise<DataFrame> => frame(returnColumns(r));
/** Closed trades as a danfojs DataFrame. */
export const tradesFrame = (r: RunSeries): Promise<DataFrame> => frame(tradeColumns(r));
/** Fills as a danfojs DataFrame. */
export const fillsFrame = (r: RunSeries): Promise<DataFrame> => frame(fillColumns(r));
/** Optimization trials (one row each: parameters then metrics) as a danfojs DataFrame. */
export const trialsFrame = (trials: readonly TrialRow[]): Promise<DataFrame> => frame(trialColumns(trials));

/** Columns as an Arrow table (apache-arrow is loaded on first use, not when Lockstep is imported). */
async function table(cols: Columns): Promise<Table> {
  const { tableFromArrays } = await import('apache-arrow');
  const out: Record<string, Float64Array | string[]> = {};
  for (const [k, v] of Object.entries(cols)) {
    out[k] = v.every((x) => x === null || typeof x === 'number') ? Float64Array.from(v, (x) => (x === null ? Number.NaN : (x as number))) : v.map((x) => (x === null ? '' : String(x)));
  }
  return tableFromArrays(out as Parameters<typeof tableFromArrays>[0]);
}

/** The same frames as plain Apache Arrow tables (null numbers become NaN); async, as the DataFrames. */
export const equityTable = (r: RunSeries): Promise<Table> => table(equityColumns(r));
export const returnsTable = (r: RunSeries): Promise<Table> => table(returnColumns(r));
export const tradesTable = (r: RunSeries): Promise<Table> => table(tradeColumns(r));
export const fillsTable = (r: RunSeries): Promise<Table> => table(fillColumns(r));
export const trialsTable = (trials: readonly TrialRow[]): Promise<Table> => table(trialColumns(trials));

/** An HTML table of a DataFrame's first `rows` rows (for tslab's `display.html`). */
export function dataFrameHtml(df: DataFrame, rows = 20): string {
  const esc = (v: unknown): string => String(v ?? '').replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
  const cols = df.columns as string[];
  const values = (df.values as unknown[][]).slice(0, rows);
  const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : esc(v));
  const head = `<tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = values.map((r) => `<tr>${r.map((v) => `<td>${fmt(v)}</td>`).join('')}</tr>`).join('');
  const more = df.shape[0] > rows ? `<p>${rows} of ${df.shape[0]} rows</p>` : '';
  return `<table>${head}${body}</table>${more}`;
}
