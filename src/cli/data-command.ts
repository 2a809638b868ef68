import { resolve } from 'node:path';
import { synthL2 } from '../data/synth-l2.ts';
import { writeTickParquet } from '../data/tick-parquet.ts';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { parseFlags } from './parse-flags.ts';
import { intFlag } from './study-flags.ts';
import { UsageError } from './usage-error.ts';

export const DATA_HELP = `lockstep data synth --events N [--seed S] --out DIR

Writes a deterministic synthetic L2 order book + trades stream (Poisson limit orders,
cancellations and market sweeps around a drifting price; tick 0.01, sizes in 0.001) as
normalized Parquet parts DIR/deltas-NNNNN.parquet and DIR/trades-NNNNN.parquet, one million
events per part. Replay it with:  lockstep backtest --strategy grid-mm --data DIR --lot-size 0.001`;

export async function dataCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    out(DATA_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'synth') throw new UsageError(`data: unknown subcommand "${sub}" (see lockstep data --help)`);
  const { values } = parseFlags(rest, { events: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, chunk: { type: 'string' } }, 'data synth');
  const events = intFlag(values.events, 'events');
  if (events === undefined) throw new UsageError('data synth: --events N is required');
  if (!values.out) throw new UsageError('data synth: --out DIR is required');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed expects a non-negative integer');
  const dir = resolve(values.out);
  await mkdir(dir, { recursive: true });
  let part = 0;
  let deltas = 0;
  let trades = 0;
  const t0 = performance.now();
  for (const c of synthL2({ events, seed, chunk: intFlag(values.chunk, 'chunk') ?? 1_000_000 })) {
    const name = String(part++).padStart(5, '0');
    await writeTickParquet(join(dir, `deltas-${name}.parquet`), { kind: 'deltas', batch: c.deltas });
    if (c.trades.length > 0) await writeTickParquet(join(dir, `trades-${name}.parquet`), { kind: 'trades', batch: c.trades });
    deltas += c.deltas.length;
    trades += c.trades.length;
  }
  out(`wrote ${deltas.toLocaleString('en-US')} deltas and ${trades.toLocaleString('en-US')} trades in ${part} part(s) to ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return 0;
}
