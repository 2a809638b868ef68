import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionConfigInput } from '../src/config/session-config.ts';
import type { StrategyDefinition } from '../src/engine/strategy.ts';
import { defineInstrument } from '../src/core/instrument.ts';
import type { ConnectedExchange } from '../src/live/connect-exchange.ts';
import { startLoopbackVenue, type LoopbackVenue } from '../src/live/loopback/start-venue.ts';
import { runLive, type LiveResult, type RunLiveOptions } from '../src/session/run-live.ts';
import { loopbackClient } from './loopback.ts';

export const loopbackInstrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });

/** A loopback Binance with a synthetic market and one funded API key (`key` / `secret`); `close()` when done. */
export function startLoopback(seed = 5): Promise<LoopbackVenue> {
  return startLoopbackVenue({ events: 300_000, seed, keys: { key: 'secret' }, balances: { USDT: 100_000, BTC: 1 } });
}

/** Config of a session on the loopback's BTC/USDT (paper: 100,000 cash, taker fee 0.1%, as the loopback charges; not recorded unless asked). */
export function loopbackConfig(base: string, mode: 'paper' | 'live', strategy: string, more: Partial<SessionConfigInput> = {}): SessionConfigInput {
  return {
    mode, strategy, cash: mode === 'paper' ? 100_000 : 0, commission: { type: 'maker-taker', maker: 0, taker: 0.001 },
    ...more,
    venue: { exchange: 'binance', symbol: 'BTC/USDT', url: base, ...more.venue },
    session: { maxEvents: 3000, maxSeconds: 20, ...(mode === 'paper' ? { record: false } : {}), ...more.session },
  } as SessionConfigInput;
}

/**
 * Runs a session through `runLive` — the path of `lockstep live` — on a ccxt.pro client of
 * the loopback (credentials `key`/`secret` unless given): `paper` fills on the simulated
 * venue against the live book, `live` routes real orders to the exchange (`onExchange` sees
 * the ccxt client first, e.g. to watch what is sent). A live session
 * given no folder records into a temporary one, removed afterwards.
 */
export async function loopbackRun(
  cfg: SessionConfigInput, def: StrategyDefinition,
  opts: RunLiveOptions & { creds?: { apiKey: string; secret: string }; onExchange?: (ex: ConnectedExchange) => void } = {},
): Promise<LiveResult> {
  const { creds, onExchange, ...o } = opts;
  const scratch = cfg.mode === 'live' && !cfg.session?.record ? mkdtempSync(join(tmpdir(), 'lockstep-live-')) : null;
  const exchange = (await loopbackClient(cfg.venue!.url!, creds ?? { apiKey: 'key', secret: 'secret' })) as unknown as ConnectedExchange;
  onExchange?.(exchange);
  try {
    const run = scratch ? { ...cfg, session: { ...cfg.session, record: join(scratch, 'session') } } : cfg;
    return await runLive(run, { strategy: def, exchange, killSignals: [], execution: { pollMillis: 50 }, ...o });
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** A strategy module's session on the loopback (the shape strategy tests use). */
export function loopbackSession(base: string, mode: 'paper' | 'live', def: StrategyDefinition, params: Record<string, unknown>, o: { maxEvents?: number; maxMillis?: number; record?: string } = {}): Promise<LiveResult> {
  return loopbackRun(loopbackConfig(base, mode, def.name, {
    params, session: { maxEvents: o.maxEvents ?? 3000, maxSeconds: (o.maxMillis ?? 20_000) / 1000, ...(o.record ? { record: o.record } : {}) },
  }), def);
}
