import { L2BookKeeper } from '../src/book/book-keeper.ts';
import type { BookDeltaView, TradeView } from '../src/core/events.ts';
import { defineInstrument } from '../src/core/instrument.ts';
import { MICROS_PER_DAY } from '../src/core/time.ts';
import { Engine } from '../src/engine/engine.ts';
import type { ExecutionClient } from '../src/engine/execution-client.ts';
import { MemoryLogger } from '../src/engine/logger.ts';
import { SimClock } from '../src/engine/sim-clock.ts';
import type { Context } from '../src/engine/strategy.ts';
import { CcxtExecution } from '../src/live/ccxt-execution.ts';
import type { CcxtTrading } from '../src/live/ccxt-order.ts';
import { LiveClock, wallMicros } from '../src/live/live-clock.ts';
import { LoopbackExchange } from '../src/live/loopback/loopback-exchange.ts';
import { BarBroker } from '../src/sim/bar-broker.ts';
import { makerTakerFee } from '../src/sim/fee-model.ts';
import { L2Venue } from '../src/sim/l2-venue.ts';
import { constantLatency } from '../src/sim/latency-model.ts';
import { loopbackClient } from './loopback.ts';

/**
 * One execution client driven through an engine on a common market: best bid 100.00 and
 * best ask 100.10 (5 each, three levels a side, tick 0.01, lot 0.001), 100,000 cash, flat.
 */
export interface ClientHarness {
  readonly name: string;
  /** Commands take time to reach the venue, so a market move can overtake a cancel or a replace. */
  readonly racy: boolean;
  readonly engine: Engine;
  /** Runs commands as a strategy callback would (events they cause arrive after it). */
  act<T>(fn: (ctx: Context) => T): T;
  /** The market trades `qty` at `price` now (sells at or below the mid hit bids, buys above lift asks). */
  trade(price: number, qty: number): Promise<void>;
  /** Time passes: every command reaches the venue and every answer comes back. */
  settle(): Promise<void>;
  /** A new UTC day begins. */
  nextDay(): Promise<void>;
  /** Lifecycle event kinds of one order, in the order the strategy saw them. */
  events(orderId: string): string[];
  close(): Promise<void>;
}

export const MID = 100.05;
const LEVELS: Array<[1 | -1, number]> = [[1, 100], [1, 99.9], [1, 99.8], [-1, 100.1], [-1, 100.2], [-1, 100.3]];
const instrument = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', tickSize: 0.01, lotSize: 0.001 });
const T0 = Date.UTC(2024, 0, 2, 9) * 1000;

function recorder(engine: Engine): (id: string) => string[] {
  const byOrder = new Map<string, string[]>();
  engine.listen({ order: (e) => { const l = byOrder.get(e.order.id) ?? []; l.push(e.kind); byOrder.set(e.order.id, l); } });
  return (id) => byOrder.get(id) ?? [];
}

const aggressor = (price: number): 1 | -1 => (price <= MID ? -1 : 1);
const tradeView = (ts: number, tsLocal: number, price: number, qty: number): TradeView =>
  ({ instrumentId: instrument.id, instrumentIndex: 0, ts, tsLocal, price, qty, aggressor: aggressor(price) });
const seedBook = (ts: number, apply: (d: BookDeltaView) => void): void => LEVELS.forEach(([side, price], k) => apply({
  instrumentId: instrument.id, instrumentIndex: 0, ts, tsLocal: ts, side, price, qty: 5, isSnapshot: true, clear: k === 0, last: k === LEVELS.length - 1,
}));

function engineOn(venue: ExecutionClient, clock: SimClock | LiveClock, extra: Partial<ConstructorParameters<typeof Engine>[0]> = {}): Engine {
  const engine = new Engine({ instruments: [instrument], cash: 100_000, strategy: {}, venue, clock, logger: new MemoryLogger(() => clock.now()), ...extra });
  engine.start();
  return engine;
}

/** The bar broker: every step is a one-minute bar (a trade is a bar at that price with that volume). */
export function barHarness(): ClientHarness {
  const clock = new SimClock(T0);
  let t = T0;
  const venue = new BarBroker({ instruments: [instrument], maxVolumeShare: 1, checkCash: true, checkSubmit: true });
  const engine = engineOn(venue, clock);
  const bar = (price: number, volume: number) => engine.onBar({ instrumentId: instrument.id, instrumentIndex: 0, ts: t, tsLocal: t, open: price, high: price, low: price, close: price, volume });
  bar(MID, 1e9);
  const events = recorder(engine);
  return {
    name: 'BarBroker', racy: false, engine, events, act: (fn) => engine.act(fn),
    async trade(price, qty) { t += 60e6; bar(price, qty); },
    async settle() { t += 60e6; bar(MID, 1e9); },
    async nextDay() { t = (Math.floor(t / MICROS_PER_DAY) + 1) * MICROS_PER_DAY + 9 * 3600e6; bar(MID, 1e9); },
    async close() {},
  };
}

/** The simulated L2 venue: 100 µs each way; a trade comes 10 µs after the last step, a settle 1 ms after. */
export function l2Harness(): ClientHarness {
  const clock = new SimClock(T0);
  let t = T0;
  const venue = new L2Venue({ instruments: [instrument], clock, fees: makerTakerFee(0, 0.001), latency: constantLatency(100, 100), checkCash: true });
  const engine = engineOn(venue, clock, { books: new L2BookKeeper(1) });
  seedBook(t, (d) => engine.onBookDelta(d));
  const events = recorder(engine);
  const quiet = () => engine.onBookDelta({ instrumentId: instrument.id, instrumentIndex: 0, ts: t, tsLocal: t, side: 1, price: 100, qty: 5, isSnapshot: false, clear: false, last: true });
  return {
    name: 'L2Venue', racy: true, engine, events, act: (fn) => engine.act(fn),
    async trade(price, qty) { t += 10; engine.onTrade(tradeView(t, t, price, qty)); },
    async settle() { t += 1000; quiet(); },
    async nextDay() { t = (Math.floor(t / MICROS_PER_DAY) + 1) * MICROS_PER_DAY + 9 * 3600e6; quiet(); t += 1000; quiet(); },
    async close() {},
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CcxtExecution through the real ccxt.pro Binance client against the loopback exchange
 * (its own book and matching). The engine's clock is wall time plus an offset the test
 * moves for `nextDay`; trades reach the exchange and the engine (as the trade stream would).
 */
export async function ccxtHarness(): Promise<ClientHarness> {
  const ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map([['k', 's']]), balances: { USDT: 100_000, BTC: 0 } });
  seedBook(wallMicros(), (d) => ex.onDelta(d));
  const base = await ex.listen();
  const client = await loopbackClient(base, { apiKey: 'k', secret: 's' });
  let offset = 0;
  const clock = new LiveClock(() => wallMicros() + offset);
  const logger = new MemoryLogger(() => clock.now());
  const exec = new CcxtExecution(client as unknown as CcxtTrading, 'BTC/USDT', instrument, logger, { pollMillis: 20, streamPollMillis: 200 });
  const engine = engineOn(exec, clock, { orderIdPrefix: `c${Date.now() % 1e7}-` });
  engine.onTrade(tradeView(clock.now(), clock.now(), MID, 0.001)); // a mark, as the live trade stream gives
  const events = recorder(engine);
  const settle = async () => {
    for (let quiet = 0; quiet < 3;) {
      await sleep(40);
      quiet = exec.idle ? quiet + 1 : 0;
    }
  };
  return {
    name: 'CcxtExecution (loopback)', racy: true, engine, events, act: (fn) => engine.act(fn), settle,
    async trade(price, qty) {
      const now = clock.now();
      ex.onTrade(tradeView(wallMicros(), wallMicros(), price, qty));
      engine.onTrade(tradeView(now, now, price, qty));
    },
    async nextDay() {
      const now = clock.now();
      offset += (Math.floor(now / MICROS_PER_DAY) + 1) * MICROS_PER_DAY + 9 * 3600e6 - now;
      engine.advanceClock(clock.now());
      await settle();
    },
    async close() {
      await exec.close();
      clock.close();
      // Closing a WebSocket ccxt is still opening leaves ccxt's own connection promise rejected with no handler: let it open first.
      const sockets = () => Object.values((client as unknown as { clients: Record<string, { isConnected: boolean }> }).clients ?? {});
      for (let k = 0; k < 50 && sockets().some((s) => !s.isConnected); k++) await sleep(20);
      await client.close();
      await ex.close();
    },
  };
}
