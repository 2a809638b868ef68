import { z } from '../core/zod.ts';
import { portfolioResult, type PortfolioResult, type SleeveFacts } from '../backtest/portfolio-result.ts';
import type { RunResult } from '../backtest/run-result.ts';
import type { BacktestConfig } from '../config/session-config.ts';
import { ConfigError } from '../core/errors.ts';
import type { Instrument } from '../core/instrument.ts';
import { loadStrategy, parseStrategyParams } from '../engine/load-strategy.ts';
import { SleevePortfolio } from '../engine/sleeve-portfolio.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';

/** A sleeve's strategy, loaded and its params validated (before any data is read). */
export interface LoadedSleeve {
  readonly def: StrategyDefinition;
  readonly params: Readonly<Record<string, unknown>>;
}

type Sleeves = NonNullable<BacktestConfig['portfolio']>['sleeves'];

/** Loads every sleeve's strategy and checks its params (errors name the sleeve). */
export async function loadSleeves(sleeves: Sleeves): Promise<LoadedSleeve[]> {
  const out: LoadedSleeve[] = [];
  for (const s of sleeves) {
    try {
      const def = await loadStrategy(s.strategy);
      out.push({ def, params: parseStrategyParams(def, s.params) });
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`portfolio.sleeves ${s.name}: ${e.message}`, e.code === 'usage' ? 'usage' : 'config');
      throw e;
    }
  }
  return out;
}

/** A portfolio run as the engine's one strategy, and how to read its sleeves' results afterwards. */
export interface PortfolioRun {
  readonly def: StrategyDefinition;
  /** The per-sleeve results, once the run is over. */
  result(r: RunResult): PortfolioResult;
}

/** Wires the sleeves onto the run's instruments: each gets `weight × cash` and the feeds it names. */
export function portfolioRun(cfg: BacktestConfig, loaded: readonly LoadedSleeve[], instruments: readonly Instrument[]): PortfolioRun {
  const p = cfg.portfolio!;
  const specs = p.sleeves.map((s, k) => ({
    name: s.name, strategy: loaded[k].def.create(loaded[k].params as never),
    instruments: s.instruments.map((x) => instrumentNamed(x, instruments, s.name)), capital: cfg.cash * s.weight,
    history: loaded[k].def.history?.(loaded[k].params as never)?.bars ?? 0,
  }));
  const book = new SleevePortfolio(instruments, specs, p.sleeves.map((s) => s.weight), p.rebalance);
  const history = Math.max(0, ...specs.map((s) => s.history));
  let made = false;
  const def: StrategyDefinition = {
    name: 'portfolio', description: `${p.sleeves.length} strategies on one account`, params: z.strictObject({}),
    create: () => {
      if (made) throw new Error('a portfolio run makes its strategy once');
      made = true;
      return book;
    },
    ...(history > 0 ? { history: () => ({ bars: history }) } : {}),
  };
  const facts: SleeveFacts[] = p.sleeves.map((s, k) => ({ strategy: { name: loaded[k].def.name, params: loaded[k].params }, weight: s.weight }));
  const unallocated = cfg.cash * (1 - p.sleeves.reduce((a, s) => a + s.weight, 0));
  // A spilled run's account curve is on disk: its times are the sleeves' (both record once per time after warm-up).
  const accountTs = (r: RunResult) => (r.spilled === null ? r.equity.ts : book.sleeves[0].curve.ts.filter((t) => t >= r.spilled!.firstTs));
  return { def, result: (r) => portfolioResult(book, facts, accountTs(r), Math.max(0, unallocated), cfg.periodsPerYear) };
}

function instrumentNamed(name: string, instruments: readonly Instrument[], sleeve: string): Instrument {
  const hits = instruments.filter((i) => i.id === name || i.symbol === name);
  if (hits.length === 1) return hits[0];
  const known = instruments.map((i) => i.id).join(', ');
  if (hits.length === 0) throw new ConfigError(`portfolio.sleeves ${sleeve}: no data feed carries ${name} (the feeds: ${known})`, 'usage');
  throw new ConfigError(`portfolio.sleeves ${sleeve}: ${name} names ${hits.length} feeds (${hits.map((i) => i.id).join(', ')}): use the instrument id`, 'usage');
}
