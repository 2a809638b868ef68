import { loopbackConfig, loopbackRun } from '../test/loopback-session.ts';
import { strategy as gridMm } from '../strategies/grid-mm/index.ts';
import { LoopbackExchange } from '../src/live/loopback/loopback-exchange.ts';
import { startSynthFeed } from '../src/live/loopback/synth-feed.ts';
import { writeBenchJson } from './bench-util.ts';

/**
 * Live workload: a paper grid-mm session on the loopback exchange through ccxt.pro, 10 s;
 * tick-to-trade = book update handed to Lockstep by ccxt → orders handed to the venue.
 */
export async function liveBench(): Promise<Record<string, unknown>> {
  const ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map(), balances: {} });
  const feed = startSynthFeed(ex, { events: 2_000_000, seed: 4, perTick: 20, everyMs: 1 });
  const base = await ex.listen();
  const res = await loopbackRun(loopbackConfig(base, 'paper', 'grid-mm', { params: { size: 0.01, maxPosition: 0.1 }, session: { maxSeconds: 10, maxEvents: 1e9 } }), gridMm, { creds: { apiKey: '', secret: '' } });
  feed.stop();
  await ex.close();
  const r = { ...res.live, events: res.events };
  const figures = { events: r.events, orders: res.orders.length, tickToTradeMicros: r.tickToTrade, eventLoopLagMicros: r.eventLoopLag, gc: r.gc, targets: { p50Micros: 100, p99Micros: 1000 } };
  const out = writeBenchJson('live', figures);
  const f = (x: number) => x.toFixed(1);
  console.log([
    `live: paper grid-mm on the loopback exchange through ccxt.pro, 10 s (${r.events} events, ${res.orders.length} orders)`,
    `  tick-to-trade     p50 ${f(r.tickToTrade.p50)} µs, p99 ${f(r.tickToTrade.p99)} µs, p99.9 ${f(r.tickToTrade.p999)} µs over ${r.tickToTrade.count} decisions   (targets p50 ≤ 100, p99 ≤ 1000)`,
    `  event-loop lag    p50 ${f(r.eventLoopLag.p50)} µs, p99 ${f(r.eventLoopLag.p99)} µs, max ${f(r.eventLoopLag.max)} µs`,
    `  GC                ${r.gc.count} pauses, ${r.gc.totalMs.toFixed(1)} ms total, max ${r.gc.maxMs.toFixed(2)} ms`,
    `  → ${out}`,
  ].join('\n'));
  return figures;
}
