import { join, resolve } from 'node:path';
import { parseInstrumentFile, readInstrumentSpec, writeInstrumentSpec, type InstrumentSpec } from '../data/instrument-spec.ts';
import { Catalog, DEFAULT_CATALOG } from '../data/catalog.ts';
import { readTardisCsv } from '../data/tardis-csv.ts';
import { readBinanceCsv, readBinanceParquet } from '../data/binance-files.ts';
import { readTickFiles, readTickParquet } from '../data/tick-parquet.ts';
import { readTickCsv } from '../data/tick-csv.ts';
import { tickValidation, type TickValidation } from '../data/tick-validation.ts';
import { BadRowHandler } from '../data/bad-rows.ts';
import type { TickBatch, TradeBatch } from '../data/tick-batch.ts';
import { resampleTrades, type BarRule } from '../data/resample.ts';
import { microsColumn, writeParquetFile } from '../data/parquet-write.ts';
import { isoFromMicros } from '../core/time.ts';
import { isHelp, parseFlags } from './parse-flags.ts';
import { didYouMean } from '../core/suggest.ts';
import { SUBCOMMANDS } from './completion.ts';
import { intFlag } from './study-flags.ts';
import { UsageError } from './usage-error.ts';
import { writeSynthL2 } from '../data/synth-files.ts';
import { DOWNLOAD_HELP, downloadCommand } from './data-download-command.ts';
import { QUERY_HELP, queryCommand, verifyCommand } from './data-query-command.ts';
import { CatalogSql } from '../data/catalog-sql.ts';
import { catalogGaps } from '../data/catalog-gaps.ts';

export const DATA_HELP = `lockstep data import --format tardis|binance|csv|nautilus --venue V --symbol S [--kind K] [--instrument FILE] [--catalog DIR] [--on-bad-row error|skip] FILE...
lockstep data ls [--catalog DIR] [--gaps] [--min-gap DURATION] [--json]
lockstep data download --venue V --symbol S --kind bars:1m|mark:1m|trades|funding --from T [--to T]   (see data download --help)
lockstep data query [--catalog DIR] [--json] "SELECT …"   (see data query --help)
lockstep data verify [--catalog DIR]
lockstep data resample --venue V --symbol S (--every 1m|30s|1h | --volume X | --dollar X) --out FILE.parquet [--catalog DIR]
lockstep data synth --events N [--seed S] [--pair] --out DIR

import: reads Tardis.dev CSV (trades, quotes, incremental_book_L2, book_snapshot_N; .gz ok),
Binance dumps (--kind trades|aggTrades|depth CSV, or the trades/quotes Parquet samples) or
normalized tick files (--format csv: a CSV, or .parquet, with the normalized columns —
trades ts_event,ts_local,price,size,aggressor; quotes …,bid_price,bid_size,ask_price,ask_size;
deltas …,side,price,size,flags; times as integer epochs or ISO; --on-bad-row skip skips and counts
rows that fail validation instead of stopping) or NautilusTrader catalog files (--format nautilus:
its trades and quotes Parquet, fixed-point prices and sizes of 8 or 16 bytes read at the file's
price_precision / size_precision, ts_init as the local time, the price precision's unit stored as
the tick unless --instrument is given) into the partitioned Parquet catalog
DIR/VENUE/SYMBOL/KIND/DATE/part-N.parquet (default data/catalog). Import days in time order.
Backtests select from it with --venue V --symbol S [--from --to].
--instrument FILE stores the instrument's rules with the data (DIR/VENUE/SYMBOL/instrument.json),
as NautilusTrader's catalog does: JSON ({"tickSize": 0.01, "lotSize": 0.001, "makerFee": …,
"takerFee": …, "minNotional": …}) or the text NautilusTrader prints for an instrument
(price_increment, size_increment, maker_fee, taker_fee, min_notional). Backtests use it
without flags; a flag that differs wins.
ls: lists the catalog's streams with row counts, days, time ranges and gaps, computed with
DuckDB: bars missing between a bar stream's first and last bar; for ticks, stretches longer
than --min-gap (default 1h; 30s, 5m, 2h, 1d) without a row; for funding, a wait over 1.5 ×
the stream's usual interval. --gaps lists
every gap window.

synth:
Writes a deterministic synthetic L2 order book + trades stream (Poisson limit orders,
cancellations and market sweeps around a drifting price; tick 0.01, sizes in 0.001) as
normalized Parquet parts DIR/deltas-NNNNN.parquet and DIR/trades-NNNNN.parquet, one million
events per part, and its instrument spec DIR/instrument.json. Replay it with:
  lockstep backtest --strategy grid-mm --data DIR
--pair writes two venues of one instrument, DIR/A and DIR/B: B shows A's book and trades
3 ms later, shifted by a mean-reverting basis of whole ticks (cross-venue arbitrage data).`;

export async function dataCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if ((sub === 'download' || sub === 'query' || sub === 'verify') && rest.some(isHelp)) {
    out(sub === 'download' ? DOWNLOAD_HELP : QUERY_HELP);
    return 0;
  }
  if (sub === undefined || isHelp(sub) || rest.some(isHelp)) {
    out(DATA_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'import') return importCommand(rest, out);
  if (sub === 'download') return downloadCommand(rest, out);
  if (sub === 'query') return queryCommand(rest, out);
  if (sub === 'verify') return verifyCommand(rest, out);
  if (sub === 'ls') return lsCommand(rest, out);
  if (sub === 'resample') return resampleCommand(rest, out);
  if (sub !== 'synth') throw new UsageError(`unknown subcommand "${sub}"${didYouMean(sub, SUBCOMMANDS.data)} (see lockstep data --help)`);
  const { values } = parseFlags(rest, { events: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, chunk: { type: 'string' }, pair: { type: 'boolean' } }, 'data synth');
  const events = intFlag(values.events, 'events');
  if (events === undefined) throw new UsageError('data synth: --events N is required');
  if (!values.out) throw new UsageError('data synth: --out DIR is required');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed expects a non-negative integer');
  const dir = resolve(values.out);
  const t0 = performance.now();
  const { deltas, trades, parts: part } = await writeSynthL2(dir, { events, seed, chunk: intFlag(values.chunk, 'chunk') ?? 1_000_000, pair: values.pair === true });
  out(`wrote ${deltas.toLocaleString('en-US')} deltas and ${trades.toLocaleString('en-US')} trades in ${part} part(s) to ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return 0;
}

async function importCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    format: { type: 'string' }, venue: { type: 'string' }, symbol: { type: 'string' }, kind: { type: 'string' }, catalog: { type: 'string' },
    'on-gap': { type: 'string' }, instrument: { type: 'string' }, 'on-bad-row': { type: 'string' },
  }, 'data import');
  const policy = values['on-bad-row'] ?? 'error';
  if (policy !== 'error' && policy !== 'skip') throw new UsageError(`--on-bad-row must be error or skip (not "${policy}")`);
  // One validation state for every file: each kind's rows must be in time order across them too.
  const v = tickValidation(new BadRowHandler(policy));
  if (!values.format || !values.venue || !values.symbol) throw new UsageError('data import: --format, --venue and --symbol are required (see lockstep data --help)');
  if (positionals.length === 0) throw new UsageError('data import: give at least one file');
  const catalog = new Catalog(values.catalog ?? DEFAULT_CATALOG);
  checkImportFormat(values.format, values.kind, positionals); // before any row is read
  // Checked before any row is written; NautilusTrader's files state their tick themselves.
  const spec = values.instrument ? await parseInstrumentFile(values.instrument) : values.format === 'nautilus' ? await statedSpec(positionals) : null;
  const readers = positionals.map((file) => [file, () => tickBatchesOf(file, values.format!, values.kind, values['on-gap'], v)] as const);
  const perFile: string[] = [];
  // One write for every file: nothing becomes visible unless all of them were read.
  const rows = await catalog.write(values.venue, values.symbol, (async function* () {
    for (const [file, open] of readers) {
      let n = 0;
      for await (const b of open()) {
        n += b.batch.length;
        yield b;
      }
      perFile.push(`${file}: ${n.toLocaleString('en-US')} rows → ${catalog.root}/${values.venue}/${values.symbol}`);
    }
  })());
  for (const line of perFile) out(line);
  out(`imported ${rows.toLocaleString('en-US')} rows`);
  const skipped = v.handler.report;
  if (skipped.skipped > 0) out(`skipped ${skipped.skipped.toLocaleString('en-US')} bad row(s) (--on-bad-row skip), e.g. ${skipped.examples.slice(0, 3).join(' | ')}`);
  if (spec) out(`instrument spec → ${await writeInstrumentSpec(join(catalog.root, values.venue, values.symbol), spec)}`);
  return 0;
}

/** The instrument spec NautilusTrader files state (the tick of their price precision); they must agree. */
async function statedSpec(files: readonly string[]): Promise<InstrumentSpec | null> {
  const specs = await Promise.all(files.map((f) => readInstrumentSpec(f)));
  const ticks = new Set(specs.map((s) => s?.tickSize));
  if (ticks.size > 1) throw new UsageError(`data import: the files state different ticks (${[...ticks].join(', ')}): import each instrument on its own, or pass --instrument`);
  return specs[0];
}

/** --format (and --kind, for Binance CSV dumps) as `data import` accepts them. */
function checkImportFormat(format: string, kind: string | undefined, files: readonly string[]): void {
  if (format !== 'tardis' && format !== 'binance' && format !== 'csv' && format !== 'nautilus') throw new UsageError('data import: --format must be tardis, binance, csv or nautilus');
  if (format === 'nautilus' && files.some((f) => !f.endsWith('.parquet'))) throw new UsageError('data import: --format nautilus reads NautilusTrader\'s Parquet files (.parquet)');
  const k = kind ?? 'trades';
  if (format === 'binance' && files.some((f) => !f.endsWith('.parquet')) && k !== 'trades' && k !== 'aggTrades' && k !== 'depth') {
    throw new UsageError('data import: --kind must be trades, aggTrades or depth for Binance CSV dumps');
  }
}

/** The batches of one file to import, by --format (and --kind / --on-gap for Binance dumps; checked by checkImportFormat). */
function tickBatchesOf(file: string, format: string, kind: string | undefined, onGapFlag: string | undefined, v: TickValidation): AsyncIterable<TickBatch> {
  if (format === 'tardis') return readTardisCsv(file);
  if (format === 'nautilus') return readTickParquet(file, v);
  if (format === 'csv') return file.endsWith('.parquet') ? readTickParquet(file, v) : readTickCsv(file, v);
  if (file.endsWith('.parquet')) return (async function* () { yield await readBinanceParquet(file); })();
  return readBinanceCsv(file, (kind ?? 'trades') as 'trades' | 'aggTrades' | 'depth', { onGap: onGapFlag === 'resnapshot' ? 'resnapshot' : 'error' });
}

async function lsCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseFlags(argv, { catalog: { type: 'string' }, json: { type: 'boolean' }, gaps: { type: 'boolean' }, 'min-gap': { type: 'string' } }, 'data ls');
  const root = values.catalog ?? DEFAULT_CATALOG;
  const minGap = durationFlag(values['min-gap'] ?? '1h', 'min-gap');
  const sql = await CatalogSql.open(root);
  let list: Record<string, unknown>[];
  let gaps: Awaited<ReturnType<typeof catalogGaps>>;
  try {
    list = await sql.rows(`SELECT venue, symbol, kind, sum(rows) AS rows, count(*) AS parts, count(DISTINCT date) AS days, min(first) AS first, max(last) AS last
      FROM parts WHERE rows > 0 GROUP BY ALL ORDER BY venue, symbol, kind`);
    gaps = await catalogGaps(sql, minGap);
  } finally {
    sql.close();
  }
  const key = (g: { venue: unknown; symbol: unknown; kind: unknown }) => `${String(g.venue)}/${String(g.symbol)}/${String(g.kind)}`;
  const gapsOf = (r: Record<string, unknown>) => gaps.filter((g) => key(g) === key(r as { venue: unknown; symbol: unknown; kind: unknown }));
  if (values.json) {
    out(JSON.stringify(list.map((r) => ({
      venue: r.venue, symbol: r.symbol, kind: r.kind, rows: r.rows, parts: r.parts, days: r.days, from: isoFromMicros(Number(r.first)), to: isoFromMicros(Number(r.last)),
      gaps: gapsOf(r).map((g) => ({ from: isoFromMicros(g.from), to: isoFromMicros(g.to) })),
    }))));
    return 0;
  }
  if (list.length === 0) {
    out(`the catalog ${root} is empty (lockstep data import or lockstep data download fills it)`);
    return 0;
  }
  out(['venue', 'symbol', 'kind', 'rows', 'days', 'gaps', 'from', 'to'].map((h, i) => (i < 3 ? h.padEnd(14) : h.padStart(i === 3 ? 12 : i < 6 ? 6 : 30))).join(''));
  for (const r of list) {
    out([String(r.venue).padEnd(14), String(r.symbol).padEnd(14), String(r.kind).padEnd(14), Number(r.rows).toLocaleString('en-US').padStart(12), String(r.days).padStart(6),
      String(gapsOf(r).length).padStart(6), isoFromMicros(Number(r.first)).padStart(30), isoFromMicros(Number(r.last)).padStart(30)].join(''));
    if (values.gaps) for (const g of gapsOf(r)) out(`    gap ${isoFromMicros(g.from)} … ${isoFromMicros(g.to)} (${formatSpan(g.to - g.from)})`);
  }
  return 0;
}

/** A duration flag (30s, 5m, 2h, 1d) in µs. */
function durationFlag(v: string, flag: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(v);
  if (!m || Number(m[1]) === 0) throw new UsageError(`--${flag} expects a duration like 30s, 5m, 1h or 1d`);
  return Number(m[1]) * { s: 1e6, m: 60e6, h: 3600e6, d: 86_400e6 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

const formatSpan = (us: number) => (us >= 86_400e6 ? `${(us / 86_400e6).toFixed(1)} d` : us >= 3600e6 ? `${(us / 3600e6).toFixed(1)} h` : `${(us / 60e6).toFixed(1)} min`);

async function resampleCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseFlags(argv, {
    venue: { type: 'string' }, symbol: { type: 'string' }, catalog: { type: 'string' }, every: { type: 'string' }, volume: { type: 'string' },
    dollar: { type: 'string' }, out: { type: 'string' },
  }, 'data resample');
  if (!values.venue || !values.symbol || !values.out) throw new UsageError('data resample: --venue, --symbol and --out are required');
  let rule: BarRule;
  if (values.every) rule = { every: durationFlag(values.every, 'every') }; else if (values.volume) rule = { volume: Number(values.volume) };
  else if (values.dollar) rule = { dollar: Number(values.dollar) };
  else throw new UsageError('data resample: choose --every, --volume or --dollar');
  const files = await new Catalog(values.catalog ?? DEFAULT_CATALOG).select(values.venue, values.symbol);
  if (files.trades.length === 0) throw new UsageError(`data resample: no trades for ${values.venue}/${values.symbol} in the catalog`);
  const bars = await resampleTrades(readTickFiles<TradeBatch>(files.trades), rule);
  const n = bars.length;
  await writeParquetFile(resolve(values.out), {
    timestamp: microsColumn(bars.ts.subarray(0, n)), open: bars.open.subarray(0, n), high: bars.high.subarray(0, n), low: bars.low.subarray(0, n),
    close: bars.close.subarray(0, n), volume: bars.volume.subarray(0, n),
  });
  out(`wrote ${n.toLocaleString('en-US')} bars to ${resolve(values.out)}`);
  return 0;
}
