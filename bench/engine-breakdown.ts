/** Engine cost breakdown: no-op strategy vs two SMAs only vs ma-cross (M bars/s per run). Usage: node --import tsx bench/engine-breakdown.ts [noop|smaOnly|maCross] (REPS=n). */
import { runBacktest } from '../src/session/run-backtest.ts';
import { sliceBatches } from '../src/data/synth-bars.ts';
import { benchBars } from './bars-dataset.ts';
import { defineStrategy, SMA, z } from '../src/index.ts';
import { strategy as maCross } from '../strategies/ma-cross/index.ts';
const mem = sliceBatches(benchBars(), 65_536);
const cfg = { strategy: 'x', data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] };
const noop = defineStrategy({ name: 'noop', description: '', params: z.strictObject({}), create: () => ({ onBar() {} }) });
const smaOnly = defineStrategy({ name: 'sma', description: '', params: z.strictObject({}), create: () => { const f = new SMA(10), s = new SMA(30); let x = 0; return { onBar(b) { const a = f.add(b.close); const c = s.add(b.close); if (a !== null && c !== null && a > c) x++; } }; } });
const which = process.argv[2] ?? 'all';
for (const [name, st] of [['noop', noop], ['smaOnly', smaOnly], ['maCross', maCross]] as const) {
  if (which !== 'all' && which !== name) continue;
  const rates: string[] = [];
  for (let k = 0; k < (process.env.REPS ? +process.env.REPS : 5); k++) {
    const r = await runBacktest({ ...cfg, strategy: name }, { feeds: [mem], strategy: st });
    rates.push((1 / r.timing.runSeconds).toFixed(2));
  }
  console.log(name, rates.join(' '), 'M bars/s');
}
