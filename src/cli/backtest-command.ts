import { existsSync } from 'node:fs';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { runBacktest } from '../session/run-backtest.ts';
import type { SessionConfigInput } from '../config/session-config.ts';

type FeedInput = NonNullable<SessionConfigInput['data']>[number];
import { prepareRunDir, toJson } from '../backtest/write-result.ts';
import type { RunResult } from '../backtest/run-result.ts';
import type { RobustnessOptions } from '../backtest/robustness.ts';
import { PORTFOLIO } from '../config/session-config.ts';
import { portfolioSummary } from '../backtest/portfolio-result.ts';
import type { SavedOutputs } from './save-run.ts';
import { MONTE_CARLO_HELP, MONTE_CARLO_OPTIONS, monteCarloOptions } from './monte-carlo-flags.ts';
import { ConfigError } from '../core/errors.ts';
import { formatLog, formatStress, formatSummary, warningsOf } from './format-summary.ts';
import { emptySelection, uselessRun } from '../backtest/run-outcome.ts';
import { showConfig } from './config-command.ts';
import { enumFlag, keyValues, numberFlag, parseFlags, readConfigFile } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';
import { keepV8Defaults, SHORT_RUN_EVENTS } from '../core/v8-flags.ts';
import { barRowsEstimate } from '../data/bar-rows-estimate.ts';

export const BACKTEST_HELP = `lockstep backtest --strategy S --data FILE [options]

Runs a bar backtest and saves the result under reports/<run-id>/.

  --strategy S                folder under strategies/ or a path to a strategy module
  --data FILE                 bars: CSV (header-driven), Parquet or Arrow IPC; or tick data: a
                              folder (or file) of normalized trades-/quotes-/deltas-*.parquet;
                              or a NautilusTrader catalog's data/bar/TYPE, data/trade_tick/ID or
                              data/quote_tick/ID folder (or one file of it);
                              repeat for several feeds (one instrument each, in this order)
  --venue V --symbol S        tick data from the catalog (data/catalog, see lockstep data import)
  --catalog DIR               catalog folder (default data/catalog)
  --latency-entry US          tick runs: order entry latency in µs (default 0)
  --latency-response US       tick runs: response latency in µs (default 0)
  --latency-file FILE         tick runs: latencies interpolated from CSV timestamp,entry,response
  --queue risk-averse|probabilistic   tick runs: queue model (default risk-averse)
  --on-crossed-book error|ignore|resnapshot   tick runs: crossed/locked book policy
  --symbol SYM                instrument symbol (default: file name); repeat to name each --data
  --param k=v                 strategy parameter (repeatable)
  --cash N                    starting cash (default 10000)
  --commission-rate X         commission as a fraction of notional (0.001 = 0.1%)
  --commission-per-contract X fixed commission per contract (futures style)
  --maker-fee X --taker-fee Y maker/taker rates on notional (maker < 0 = rebate)
  --multiplier M              contract multiplier (default 1)
  --margin N                  margin per contract: > 0 selects futures-style accounting
  --tick-size X --lot-size X  instrument grid (default: the data's instrument.json, else the tick
                              from the prices' decimals and lot 1)
  --slippage-bps X            adverse slippage in basis points
  --slippage-ticks N          adverse slippage in ticks
  --slippage-impact K         square-root impact: K * sqrt(qty / bar volume)
  --fill-at next-open|close   market order timing (default next-open, as backtrader)
  --max-volume-share X        cap fills at X of each bar's volume (partial fills)
  --check-submit              also check cash when orders are submitted (backtrader's default checksubmit)
  --reversal close-then-refuse|all-or-nothing   a fill whose opening leg cash cannot pay
                              (default close-then-refuse, as backtrader)
  --short-margin X            cash after opening a short (proceeds included) ≥ X × its notional (default 0)
  --on-kill flatten|cancel    after the kill switch cancelled every order: close positions (default) or not
  --off-grid round|refuse     prices/quantities off the grid: round, never more aggressive (default), or refuse
  --log-level debug|info|warn|error   strategy and engine log lines printed to stderr (default info)
  --from DATE --to DATE       replay window (inclusive)
  --on-bad-row error|skip     stop on a malformed row (default) or skip and count
  --seed N                    seed for randomized models (default 1)
  --benchmark FILE|SYMBOL     bars whose closes, bought and held, are the report's benchmark (alpha, beta,
                              tracking error, information ratio, up/down capture, equity overlay;
                              default: the first --data file)
  --config FILE               JSON session config (the same file lockstep live takes); flags override it
  --show-config               print the resolved config (file + flags, defaults filled in) and exit
  --out DIR                   reports folder (default reports)
  --no-save                   do not write the result folder
  --no-report                 save the result without the HTML report
${MONTE_CARLO_HELP}
  --stress                    also replay the run with fees ×2, slippage ×2 (5 bps when none), latency ×N
                              (tick runs) and on its K worst stretches (a tenth of the data each, the
                              instrument bought and held): stress.json, a table, and the report
  --stress-latency N          latency factor of --stress (default 4)
  --stress-windows K          worst windows of --stress (default 3; 0: none)
  --json                      print one JSON object instead of the summary table`;

const OPTIONS = {
  strategy: { type: 'string' }, data: { type: 'string', multiple: true }, symbol: { type: 'string', multiple: true }, param: { type: 'string', multiple: true },
  'check-submit': { type: 'boolean' }, reversal: { type: 'string' }, 'short-margin': { type: 'string' },
  'on-kill': { type: 'string' }, 'off-grid': { type: 'string' }, 'log-level': { type: 'string' },
  cash: { type: 'string' }, 'commission-rate': { type: 'string' }, 'commission-per-contract': { type: 'string' },
  'maker-fee': { type: 'string' }, 'taker-fee': { type: 'string' }, multiplier: { type: 'string' }, margin: { type: 'string' },
  'tick-size': { type: 'string' }, 'lot-size': { type: 'string' }, 'slippage-bps': { type: 'string' },
  'slippage-ticks': { type: 'string' }, 'slippage-impact': { type: 'string' }, 'fill-at': { type: 'string' },
  'max-volume-share': { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'on-bad-row': { type: 'string' },
  seed: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' }, 'no-save': { type: 'boolean' },
  'no-report': { type: 'boolean' },
  json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, venue: { type: 'string' }, catalog: { type: 'string' },
  'latency-entry': { type: 'string' }, 'latency-response': { type: 'string' }, 'latency-file': { type: 'string' }, queue: { type: 'string' },
  'on-crossed-book': { type: 'string' }, 'show-config': { type: 'boolean' }, benchmark: { type: 'string' },
  ...MONTE_CARLO_OPTIONS,
  stress: { type: 'boolean' }, 'stress-latency': { type: 'string' }, 'stress-windows': { type: 'string' },
} as const;

/** Turns backtest flags into a run config input (the schema validates it). */
/** Flags that contradict each other: one of them would be ignored silently. */
function refuseConflicts(v: Record<string, unknown>): void {
  const pairs: Array<[string, string, string]> = [
    ['no-save', 'out', 'nothing is saved, so there is no folder to write to'],
    ['no-save', 'show-config', '--show-config only prints the config'],
    ['show-config', 'json', '--show-config prints the config, not a result'],
  ];
  for (const [a, b, why] of pairs) {
    if (v[a] !== undefined && v[b] !== undefined && v[a] !== false && v[b] !== false) throw new UsageError(`backtest: --${a} and --${b} together: ${why}`);
  }
}

export interface BacktestFlags {
  config: SessionConfigInput;
  json: boolean;
  save: boolean;
  report: boolean;
  out: string;
  show: boolean;
  /** --monte-carlo N and its options, or null. */
  monteCarlo: RobustnessOptions | null;
  /** --stress and its options, or null. */
  stress: { latencyFactor: number; windows: number } | null;
}

export async function backtestConfigFromFlags(argv: string[], command = 'backtest'): Promise<BacktestFlags | null> {
  const { values: v, positionals } = parseFlags(argv, OPTIONS, command);
  if (v.help) return null;
  if (positionals.length > 0) throw new UsageError(`backtest: unexpected argument "${positionals[0]}" (see lockstep backtest --help)`);
  refuseConflicts(v);
  let base: Record<string, unknown> = {};
  if (v.config) base = await readConfigFile(v.config);
  const strategy = v.strategy ?? (base.strategy as string | undefined);
  const portfolio = base.portfolio !== undefined;
  if (!strategy && !portfolio) throw new UsageError('backtest: --strategy is required, or a --config with portfolio.sleeves (see lockstep backtest --help)');
  if (portfolio && (v.strategy !== undefined || (v.param ?? []).length > 0)) throw new UsageError('backtest: the config is a portfolio (portfolio.sleeves name the strategies and their params): drop --strategy and --param');
  const n = (k: keyof typeof v): number | undefined => numberFlag(v[k] as string | undefined, k);
  let data = base.data as FeedInput[] | undefined;
  const files = v.data ?? [];
  const symbols = v.symbol ?? [];
  if (files.length > 0 && v.venue) throw new UsageError('backtest: --venue (with --symbol) selects catalog data and --data names files: pass one of them');
  if (files.length > 0) {
    if (symbols.length > 0 && symbols.length !== files.length) {
      throw new UsageError(`backtest: ${files.length} --data but ${symbols.length} --symbol; give one --symbol per --data, or none`);
    }
    data = files.map((file, k) => {
      const symbol = symbols[k] ?? basename(file, extname(file)).toUpperCase().replace(/[^A-Z0-9_-]/g, '_');
      return { file: resolve(file), instrument: { symbol, ...instrumentFlags() } as FeedInput['instrument'] };
    });
  }
  function instrumentFlags(): Record<string, number> {
    const instrument: Record<string, number> = {};
    for (const [flag, key] of [['tick-size', 'tickSize'], ['lot-size', 'lotSize'], ['multiplier', 'multiplier'], ['margin', 'margin']] as const) {
      const x = n(flag);
      if (x !== undefined) instrument[key] = x;
    }
    return instrument;
  }
  if (!data && v.venue) {
    if (symbols.length !== 1) throw new UsageError('backtest: --venue needs one --symbol');
    const root = v.catalog ? `?root=${encodeURIComponent(resolve(v.catalog))}` : '';
    const instrument = { symbol: symbols[0], venue: v.venue, ...instrumentFlags() };
    data = [{ file: `catalog://${v.venue}/${symbols[0]}${root}`, instrument: instrument as FeedInput['instrument'] }];
  }
  if (!data) throw new UsageError('backtest: --data (or --venue and --symbol) is required (see lockstep backtest --help)');
  // The same file serves `lockstep live`: a backtest uses its data and ignores its venue.
  const { venue: _venue, ...rest } = base;
  void _venue;
  const cfg: Record<string, unknown> = { ...rest, mode: 'backtest', ...(strategy ? { strategy } : {}), data };
  if (!portfolio) cfg.params = { ...(base.params as object | undefined), ...keyValues(v.param, 'param') };
  const cash = n('cash');
  if (cash !== undefined) cfg.cash = cash;
  const rate = n('commission-rate');
  const perContract = n('commission-per-contract');
  const maker = n('maker-fee');
  const taker = n('taker-fee');
  const schemes = [rate !== undefined, perContract !== undefined, maker !== undefined || taker !== undefined].filter(Boolean).length;
  if (schemes > 1) throw new UsageError('backtest: choose one of --commission-rate, --commission-per-contract, --maker-fee/--taker-fee');
  if (rate !== undefined) cfg.commission = { type: 'rate', rate };
  if (perContract !== undefined) cfg.commission = { type: 'per-contract', perContract };
  if (maker !== undefined || taker !== undefined) cfg.commission = { type: 'maker-taker', maker: maker ?? 0, taker: taker ?? 0 };
  const bps = n('slippage-bps');
  const ticks = n('slippage-ticks');
  const impact = n('slippage-impact');
  if ([bps, ticks, impact].filter((x) => x !== undefined).length > 1) {
    throw new UsageError('backtest: choose one of --slippage-bps, --slippage-ticks, --slippage-impact');
  }
  if (bps !== undefined) cfg.slippage = { type: 'bps', bps };
  if (ticks !== undefined) cfg.slippage = { type: 'ticks', ticks };
  if (impact !== undefined) cfg.slippage = { type: 'volume-share', coefficient: impact };
  if (v['fill-at']) cfg.fillTiming = enumFlag(v['fill-at'], ['next-open', 'close'], 'fill-at');
  const share = n('max-volume-share');
  if (share !== undefined) cfg.maxVolumeShare = share;
  if (v['check-submit']) cfg.checkSubmit = true;
  if (v.reversal) cfg.reversal = enumFlag(v.reversal, ['close-then-refuse', 'all-or-nothing'], 'reversal');
  const shortMargin = n('short-margin');
  if (shortMargin !== undefined) cfg.shortMargin = shortMargin;
  if (v.from) cfg.from = v.from;
  if (v.to) cfg.to = v.to;
  if (v['on-bad-row']) cfg.onBadRow = enumFlag(v['on-bad-row'], ['error', 'skip'], 'on-bad-row');
  if (v.benchmark) {
    // A file, a feed's symbol, or a catalog stream VENUE/SYMBOL[/TF] (stored as its folder, so the report finds it from anywhere).
    const { benchmarkSource } = await import('../backtest/benchmark-source.ts'); // reads Parquet: loaded only with --benchmark
    const source = benchmarkSource(v.benchmark, data as { file: string; instrument: { symbol: string } }[], v.catalog ? resolve(v.catalog) : undefined);
    cfg.benchmark = 'file' in source ? (existsSync(v.benchmark) ? source.file : v.benchmark) : source.catalogDir;
  }
  const le = n('latency-entry');
  const lr = n('latency-response');
  if (v['latency-file']) cfg.latency = { file: resolve(v['latency-file']) };
  else if (le !== undefined || lr !== undefined) cfg.latency = { entryMicros: le ?? 0, responseMicros: lr ?? 0 };
  if (v.queue) cfg.queue = enumFlag(v.queue, ['risk-averse', 'probabilistic'], 'queue');
  if (v['on-crossed-book']) cfg.onCrossedBook = enumFlag(v['on-crossed-book'], ['error', 'ignore', 'resnapshot'], 'on-crossed-book');
  if (v['on-kill']) cfg.onKill = enumFlag(v['on-kill'], ['cancel', 'flatten'], 'on-kill');
  if (v['off-grid']) cfg.offGrid = enumFlag(v['off-grid'], ['round', 'refuse'], 'off-grid');
  if (v['log-level']) cfg.logLevel = enumFlag(v['log-level'], ['debug', 'info', 'warn', 'error'], 'log-level');
  const seed = n('seed');
  if (seed !== undefined) cfg.seed = seed;
  const monteCarlo = monteCarloOptions(v, typeof cfg.seed === 'number' ? cfg.seed : 1);
  if (monteCarlo && v['no-save']) throw new UsageError('backtest: --monte-carlo saves montecarlo.json in the run folder; drop --no-save');
  const stress = stressFlags(v);
  if (stress && v['no-save']) throw new UsageError('backtest: --stress saves stress.json in the run folder; drop --no-save');
  return {
    config: cfg as SessionConfigInput, json: v.json ?? false, save: !v['no-save'], report: !v['no-report'], out: v.out ?? 'reports', show: v['show-config'] === true, monteCarlo, stress,
  };
}

/** --stress and its two options (the options alone are a usage error). */
function stressFlags(v: { stress?: boolean; 'stress-latency'?: string; 'stress-windows'?: string }): BacktestFlags['stress'] {
  const factor = numberFlag(v['stress-latency'], 'stress-latency');
  const windows = numberFlag(v['stress-windows'], 'stress-windows');
  if (!v.stress) {
    if (factor !== undefined || windows !== undefined) throw new UsageError('--stress-latency and --stress-windows go with --stress');
    return null;
  }
  if (factor !== undefined && !(factor > 1 && factor <= 1000)) throw new UsageError(`--stress-latency expects a factor above 1 (4: four times the latency), got "${v['stress-latency']}"`);
  if (windows !== undefined && !(Number.isInteger(windows) && windows >= 0 && windows <= 10)) throw new UsageError(`--stress-windows expects a whole number 0–10, got "${v['stress-windows']}"`);
  return { latencyFactor: factor ?? 4, windows: windows ?? 3 };
}

/**
 * True when this command replays its data once and its feeds hold fewer than `limit` rows
 * together (estimated before reading them): V8's defaults then finish the process sooner than
 * the engine's flags (see SHORT_RUN_EVENTS). `--stress` replays again; tick
 * folders and catalog streams are not estimated (their runs are long).
 */
export async function oneShortReplay(parsed: BacktestFlags, limit = SHORT_RUN_EVENTS): Promise<boolean> {
  if (parsed.stress !== null) return false;
  let rows = 0;
  for (const f of parsed.config.data ?? []) rows += await barRowsEstimate(f.file);
  return rows < limit; // false for NaN: a feed that could not be estimated
}

/** Wall-clock run id: `YYYYMMDD-HHMMSS-<strategy>-<4 hex>`. */
export function newRunId(strategy: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const name = basename(strategy, extname(strategy)).replace(/[^a-zA-Z0-9_-]/g, '_');
  return `${stamp}-${name === 'index' ? 'strategy' : name}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
}

export async function backtestCommand(argv: string[], out: (s: string) => void, err: (s: string) => void = () => {}): Promise<number> {
  const parsed = await backtestConfigFromFlags(argv);
  if (parsed === null) {
    out(BACKTEST_HELP);
    return 0;
  }
  if (parsed.show) {
    out(showConfig(parsed.config as Record<string, unknown>));
    return 0;
  }
  if (await oneShortReplay(parsed)) keepV8Defaults();
  const id = newRunId(parsed.config.strategy ?? PORTFOLIO);
  const reports = resolve(parsed.out);
  // A saved run writes into its temporary folder from the start: a long run's series go there as it runs.
  const made = !existsSync(reports);
  const tmp = parsed.save ? await prepareRunDir(reports, id) : undefined;
  let result: RunResult;
  try {
    result = await runBacktest(parsed.config, { id, onLog: (r) => err(formatLog(r)), ...(tmp !== undefined ? { resultDir: tmp } : {}) });
    const empty = emptySelection(result);
    if (empty !== null) throw new ConfigError(empty); // nothing saved: an empty run is not a result
  } catch (e) {
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
    if (made) await rmdir(reports).catch(() => undefined); // a failed run leaves nothing, not even the folder it made
    throw e;
  }
  // The writers, readers and report code load only for a saved run (save-run.ts).
  const saved: SavedOutputs | null = tmp !== undefined ? await (await import('./save-run.ts')).saveRun(result, reports, tmp, parsed) : null;
  const { runDir = null, robustness = null, stress = null, report = null } = saved ?? {};
  if (parsed.json) {
    // A spilled run's series are in its folder (too long to print): the JSON names the files instead.
    const series = result.spilled === null ? { fills: result.fills, trades: result.trades } : { counts: result.spilled.counts, series: runDir };
    out(toJson({
      id: result.id, runDir, report, config: result.config, strategy: result.strategy, finalValue: result.finalValue, cash: result.cash, fees: result.fees,
      metrics: result.metrics, events: result.events, timing: result.timing, fillsDigest: result.fillsDigest,
      ...series, openTrades: result.openTrades, positions: result.positions, ...(result.portfolio ? { portfolio: portfolioSummary(result.portfolio) } : {}), ...(robustness ? { monteCarlo: robustness } : {}), ...(stress ? { stress } : {}),
      feeds: result.feeds, seed: result.seed, instruments: result.instruments, killSwitch: result.killSwitch,
      rejections: result.rejections, offGrid: result.offGrid, warnings: warningsOf(result).map(([figure, why]) => ({ figure: figure.replace('warning: ', ''), why })),
    }));
  } else {
    out(formatSummary(result, runDir));
    if (stress) out(formatStress(stress));
    if (report) out(`report         ${report}`);
  }
  const useless = uselessRun(result);
  if (useless !== null) {
    err(`lockstep backtest: ${useless}`);
    return 1;
  }
  return 0;
}
