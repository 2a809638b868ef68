import { runBacktest } from '/work/main/src/backtest/run-backtest.ts';
for (let k = 0; k < 4; k++) {
  const t0 = performance.now();
  const r = await runBacktest({ strategy: 'ma-cross', data: [{ file: '/work/main/data/bench/bars-1000000.csv', instrument: { symbol: 'S' } }] });
  const t1 = performance.now();
  console.log('wall', ((t1 - t0) / 1000).toFixed(3), 'load', r.timing.loadSeconds.toFixed(3), 'run', r.timing.runSeconds.toFixed(3), 'total', r.timing.totalSeconds.toFixed(3));
}
