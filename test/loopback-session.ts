import type { StrategyDefinition } from '../src/engine/strategy.ts';
import { defineInstrument } from '../src/core/instrument.ts';
import { makerTakerFee } from '../src/sim/fee-model.ts';
import { CcxtExecution, type CcxtTrading } from '../src/live/ccxt-execution.ts';
import { reconcileFromExchange, type CcxtAccount } from '../src/live/ccxt-reconcile.ts';
import { startLoopbackVenue, type LoopbackVenue } from '../src/live/loopback/start-venue.ts';
import { runPaperSession, type MarketStreams } from '../src/live/paper-session.ts';
import { loopbackClient } from './loopback.ts';

export const loopbackInstrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });

/** A loopback Binance with a synthetic market and one funded API key (`key` / `secret`); `close()` when done. */
export function startLoopback(seed = 5): Promise<LoopbackVenue> {
  return startLoopbackVenue({ events: 300_000, seed, keys: { key: 'secret' }, balances: { USDT: 100_000, BTC: 1 } });
}

/**
 * Runs a strategy module against the loopback exchange through ccxt.pro: `paper` fills on
 * the simulated venue against the live book, `live` routes real orders to the exchange.
 */
export async function loopbackSession(base: string, mode: 'paper' | 'live', def: StrategyDefinition, params: Record<string, unknown>, o: { maxEvents?: number; maxMillis?: number; record?: string } = {}) {
  const c = await loopbackClient(base, { apiKey: 'key', secret: 'secret' });
  let exec!: CcxtExecution;
  try {
    return await runPaperSession({
      strategy: def, params: def.params.parse(params), exchange: c as unknown as MarketStreams, symbol: 'BTC/USDT',
      instrument: loopbackInstrument, cash: mode === 'paper' ? 100_000 : 0, fees: makerTakerFee(0, 0.001),
      maxEvents: o.maxEvents ?? 3000, maxMillis: o.maxMillis ?? 20_000, record: o.record,
      live: mode === 'paper' ? undefined : {
        orderIdPrefix: `t${Date.now() % 1e6}`,
        cancelAtEnd: true,
        execution: (_clock, logger) => (exec = new CcxtExecution(c as unknown as CcxtTrading, 'BTC/USDT', loopbackInstrument, logger, { pollMillis: 50 })),
        reconcile: async (engine, clock) => {
          await reconcileFromExchange(c as unknown as CcxtAccount, 'BTC/USDT', 'BTC', 'USDT', loopbackInstrument, engine, exec, clock.now());
        },
      },
    });
  } finally {
    await c.close();
  }
}
