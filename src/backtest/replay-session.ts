import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareSessions, type ParityFill, type ParityOrder, type ParityReport } from '../analytics/parity.ts';
import { ConfigError } from '../core/errors.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import { runBacktest } from './run-backtest.ts';
import type { RunConfigInput } from './run-config.ts';

/** Reads orders and fills recorded by a session. */
async function recorded(dir: string): Promise<{ orders: ParityOrder[]; fills: ParityFill[] }> {
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

/** The run config equivalent to a recorded session. */
export function sessionRunConfig(dir: string, s: Record<string, unknown>): RunConfigInput {
  const inst = s.instrument as { symbol: string; venue: string; tickSize: number; lotSize: number };
  const lat = /constant\((\d+(?:\.\d+)?),(\d+(?:\.\d+)?)\)/.exec(String(s.latency ?? ''));
  const fee = /maker-taker:(-?[\d.e-]+)\/([\d.e-]+)/.exec(String(s.fees ?? ''));
  return {
    strategy: String(s.strategy), params: (s.params ?? {}) as Record<string, unknown>, cash: Number(s.cash ?? 10_000), checkCash: false, onCrossedBook: 'ignore',
    data: [{ file: dir, kind: 'ticks', instrument: { symbol: inst.symbol, venue: inst.venue, tickSize: inst.tickSize, lotSize: inst.lotSize } }],
    ...(lat ? { latency: { entryMicros: Number(lat[1]), responseMicros: Number(lat[2]) } } : {}),
    ...(fee ? { commission: { type: 'maker-taker' as const, maker: Number(fee[1]), taker: Number(fee[2]) } } : {}),
    queue: String(s.queue ?? '').startsWith('probabilistic') ? 'probabilistic' : 'risk-averse',
    ...(s.risk ? { risk: s.risk as RunConfigInput['risk'] } : {}),
  };
}

/** The parity of a recorded paper/live session with its replay through the backtester. */
export interface SessionParity extends ParityReport {
  session: string;
  mode: string;
  events: number;
}

/**
 * Replays a finished session folder through the backtester with the same strategy,
 * params, fees, latency and queue model, and compares every decision (`lockstep replay`).
 */
export async function replaySession(sessionDir: string): Promise<SessionParity> {
  const dir = resolve(sessionDir);
  if (!existsSync(join(dir, 'session.json')) || !existsSync(join(dir, 'summary.json'))) {
    throw new ConfigError(`${sessionDir}: not a finished session folder (needs session.json and summary.json), e.g. reports/paper-…`);
  }
  const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as Record<string, unknown>;
  const live = await recorded(dir);
  const r = await runBacktest(sessionRunConfig(dir, session), { id: 'replay' });
  const replay = {
    orders: r.orders.map((o) => ({ id: o.id, side: o.side, type: o.type, price: o.price, qty: o.qty, filledQty: o.filledQty })),
    fills: r.fills.map((f) => ({ orderId: f.orderId, price: f.price, qty: f.qty, fee: f.fee })),
  };
  return { session: dir, mode: String(session.mode), events: r.events, ...compareSessions(live, replay) };
}
