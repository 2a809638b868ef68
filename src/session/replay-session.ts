import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareSessions, type ParityFill, type ParityOrder, type ParityReport } from '../analytics/parity.ts';
import { ConfigError } from '../core/errors.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import { runBacktest } from './run-backtest.ts';
import { JOURNAL_FILE, readJournal } from '../live/session-journal.ts';
import type { SessionConfig, SessionConfigInput } from '../config/session-config.ts';
import type { Instrument } from '../core/instrument.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';

/** Orders and fills of a session: its Parquet files, or — after a crash, when they were never written — its journal. */
async function recorded(dir: string): Promise<{ orders: ParityOrder[]; fills: ParityFill[]; crashed: boolean }> {
  if (!existsSync(join(dir, 'orders.parquet'))) {
    const j = readJournal(dir);
    if (j === null) throw new ConfigError(`${dir}: no orders.parquet and no journal.jsonl: nothing to compare`);
    return { orders: j.orders, fills: j.fills, crashed: true };
  }
  return { ...(await recordedParquet(dir)), crashed: false };
}

async function recordedParquet(dir: string): Promise<{ orders: ParityOrder[]; fills: ParityFill[] }> {
  const o = (await readParquetColumns(join(dir, 'orders.parquet'))).columns as Record<string, Float64Array | string[]>;
  const f = (await readParquetColumns(join(dir, 'fills.parquet'))).columns as Record<string, Float64Array | string[]>;
  const ids = (o.id ?? []) as string[];
  const orders = ids.map((id, k) => ({
    id, side: (o.side as string[])[k], type: (o.type as string[])[k], price: (o.price as Float64Array)[k], qty: (o.qty as Float64Array)[k], filledQty: (o.filledQty as Float64Array)[k],
  }));
  const fids = (f.orderId ?? []) as string[];
  const fills = fids.map((orderId, k) => ({ orderId, price: (f.price as Float64Array)[k], qty: (f.qty as Float64Array)[k], fee: (f.fee as Float64Array)[k] }));
  return { orders, fills };
}

/** The account when the session's strategy started (`start.json`, written after reconciliation). */
export interface SessionStart {
  position: number;
  avgPrice: number;
  cash: number;
  /** Orders found open at the exchange and adopted: not decisions of this session. */
  adoptedOrders: string[];
  /** The session's clock when the strategy started (µs; absent in older recordings). */
  clock?: number;
}

/**
 * The backtest of a recorded session: its stored config as it ran (strategy, params, fees,
 * latency, queue and its power, risk, emulation, order rules), replaying the recorded
 * market with the venue's instrument, from the account the session started with. Only what
 * a replay cannot have differs: the data is the recording; the cash check was the
 * exchange's (off); a recorded book may be momentarily crossed between diffs (ignored).
 */
export function sessionRunConfig(dir: string, s: RecordedSession, start?: SessionStart): SessionConfigInput {
  const { venue: _venue, session: _session, ...rest } = s.config;
  void _venue;
  void _session;
  const { id: _id, settlement: _settlement, ...instrument } = s.instrument;
  void _id;
  void _settlement;
  const held = start && start.position !== 0 && start.avgPrice > 0 ? { position: { qty: start.position, avgPrice: start.avgPrice } } : {};
  return {
    ...rest, mode: 'backtest', cash: start?.cash ?? s.config.cash, checkCash: false, onCrossedBook: 'ignore',
    data: [{ file: dir, kind: 'ticks', instrument, ...held }],
  };
}

/** What a session folder's session.json holds. */
export interface RecordedSession {
  readonly mode: string;
  /** The resolved session config it ran with. */
  readonly config: SessionConfig;
  /** The venue's instrument it traded. */
  readonly instrument: Instrument;
}

/** The parity of a recorded paper/live session with its replay through the backtester. */
export interface SessionParity extends ParityReport {
  session: string;
  mode: string;
  events: number;
  /** The session did not end cleanly: orders and fills come from its journal, the market up to its last flushed part. */
  crashed: boolean;
}

/**
 * Replays a finished session folder through the backtester with the same strategy,
 * params, fees, latency and queue model, and compares every decision (`lockstep replay`).
 * The strategy is loaded by the name the session recorded, unless given (one defined in a
 * notebook or a test).
 */
export async function replaySession(sessionDir: string, o: { strategy?: StrategyDefinition } = {}): Promise<SessionParity> {
  const dir = resolve(sessionDir);
  if (!existsSync(join(dir, 'session.json')) || (!existsSync(join(dir, 'summary.json')) && !existsSync(join(dir, JOURNAL_FILE)))) {
    throw new ConfigError(`${sessionDir}: not a session folder (needs session.json, and summary.json or journal.jsonl), e.g. reports/paper-…`);
  }
  const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as RecordedSession;
  if (!session.config || !session.instrument) throw new ConfigError(`${sessionDir}: session.json has no stored config (recorded by an older Lockstep); it cannot be replayed exactly`);
  const start = existsSync(join(dir, 'start.json')) ? JSON.parse(readFileSync(join(dir, 'start.json'), 'utf8')) as SessionStart : undefined;
  const all = await recorded(dir);
  const adopted = new Set(start?.adoptedOrders ?? []);
  const live = { orders: all.orders.filter((o) => !adopted.has(o.id)), fills: all.fills.filter((f) => !adopted.has(f.orderId)) };
  // Started at the session's time: a timer the strategy sets in onStart falls due as it did live.
  const r = await runBacktest(sessionRunConfig(dir, session, start), {
    id: 'replay', ...(o.strategy ? { strategy: o.strategy } : {}), ...(start?.clock !== undefined ? { clockStart: start.clock } : {}),
  });
  const replay = {
    orders: r.orders.map((o) => ({ id: o.id, side: o.side, type: o.type, price: o.price, qty: o.qty, filledQty: o.filledQty })),
    fills: r.fills.map((f) => ({ orderId: f.orderId, price: f.price, qty: f.qty, fee: f.fee })),
  };
  return { session: dir, mode: String(session.mode), events: r.events, crashed: all.crashed, ...compareSessions(live, replay) };
}
