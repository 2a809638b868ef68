import * as ls from './src/index.ts';
const config = { strategy: 'ma-cross', cash: 100_000, commission: { type: 'rate' as const, rate: 0.0004 }, data: [{ file: 'data/sample/btc-perp-1m.parquet', instrument: { symbol: 'BTC-PERP', lotSize: 0.001 } }] };
const space = { params: { fast: { type: 'int' as const, low: 5, high: 45, step: 5 }, slow: { type: 'int' as const, low: 20, high: 200, step: 20 } }, constraints: [{ name: 'fast < slow', check: (p: Record<string, unknown>) => Number(p.fast) < Number(p.slow) }] };
try {
const wf = await ls.walkForwardStrategy({ config: { ...config, params: { size: 1 } }, space, sampler: 'grid', objective: 'sharpe', train: '7d', test: '2d', onProgress: ls.progressLines('walk-forward') });
console.log(wf.efficiency, wf.folds.length);
} catch (e) { console.log('ERR', e, (e as Error).stack); }
