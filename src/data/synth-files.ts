import { join } from 'node:path';
import { synthVenuePair } from './synth-pair.ts';
import { synthL2 } from './synth-l2.ts';
import type { DeltaBatch, TradeBatch } from './tick-batch.ts';
import { writeTickParquet } from './tick-parquet.ts';
import { writeInstrumentSpec } from './instrument-spec.ts';
import { makeDir } from '../core/files.ts';

export interface SynthFilesOptions {
  events: number;
  seed?: number;
  /** Events per Parquet part (default 1,000,000). */
  chunk?: number;
  /** Two venues (DIR/A, DIR/B) of one instrument: B lags A and carries a basis. */
  pair?: boolean;
}

/** Writes the synthetic L2 + trades stream as normalized tick Parquet parts (`lockstep data synth`). */
/** The synthetic market's grid: prices in cents, sizes in thousandths. */
export const SYNTH_INSTRUMENT = { tickSize: 0.01, lotSize: 0.001 } as const;

export async function writeSynthL2(dir: string, o: SynthFilesOptions): Promise<{ deltas: number; trades: number; parts: number }> {
  const seed = o.seed ?? 1;
  const chunk = o.chunk ?? 1_000_000;
  let parts = 0;
  let deltas = 0;
  let trades = 0;
  const write = async (to: string, name: string, c: { deltas: DeltaBatch; trades: TradeBatch }) => {
    await writeTickParquet(join(to, `deltas-${name}.parquet`), { kind: 'deltas', batch: c.deltas });
    if (c.trades.length > 0) await writeTickParquet(join(to, `trades-${name}.parquet`), { kind: 'trades', batch: c.trades });
    deltas += c.deltas.length;
    trades += c.trades.length;
  };
  if (o.pair) {
    await makeDir(join(dir, 'A'));
    await makeDir(join(dir, 'B'));
    for (const c of synthVenuePair({ events: o.events, seed, chunk })) {
      const name = String(parts++).padStart(5, '0');
      await write(join(dir, 'A'), name, c.a);
      await write(join(dir, 'B'), name, c.b);
    }
  } else {
    await makeDir(dir);
    for (const c of synthL2({ events: o.events, seed, chunk })) await write(dir, String(parts++).padStart(5, '0'), c);
  }
  // The synthetic market's rules travel with it, so a backtest needs no instrument flags.
  for (const to of o.pair ? [join(dir, 'A'), join(dir, 'B')] : [dir]) await writeInstrumentSpec(to, SYNTH_INSTRUMENT);
  return { deltas, trades, parts };
}
