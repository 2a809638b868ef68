import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareSessions, type ParityFill, type ParityOrder } from '../analytics/parity.ts';
import { runBacktest } from '../backtest/run-backtest.ts';
import type { RunConfigInput } from '../backtest/run-config.ts';
import { toJson } from '../backtest/write-result.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import { parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

export const REPLAY_HELP = `lockstep replay SESSION_DIR [--json]

Replays a recorded paper/live session (reports/<mode>-<time>/) through the backtester with
the same strategy, params, fees, latency and queue model, and prints a parity report:
every decision (order) that differs between the session and the replay, attributed to
signal, fill, fee or latency.`;

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
function configOf(dir: string, s: Record<string, unknown>): RunConfigInput {
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

export async function replayCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'replay');
  if (values.help) {
    out(REPLAY_HELP);
    return 0;
  }
  const dir = positionals[0] ? resolve(positionals[0]) : '';
  if (!dir || !existsSync(join(dir, 'session.json')) || !existsSync(join(dir, 'summary.json'))) {
    throw new UsageError('replay: give a finished session folder (with session.json and summary.json), e.g. reports/paper-…');
  }
  const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as Record<string, unknown>;
  const live = await recorded(dir);
  const r = await runBacktest(configOf(dir, session), { id: 'replay' });
  const replay = {
    orders: r.orders.map((o) => ({ id: o.id, side: o.side, type: o.type, price: o.price, qty: o.qty, filledQty: o.filledQty })),
    fills: r.fills.map((f) => ({ orderId: f.orderId, price: f.price, qty: f.qty, fee: f.fee })),
  };
  const report = compareSessions(live, replay);
  if (values.json) {
    out(toJson({ session: dir, mode: session.mode, events: r.events, ...report }));
    return 0;
  }
  const byCause = (c: string) => report.differences.filter((d) => d.cause === c).length;
  out([
    `parity of ${dir} (${String(session.mode)} session, ${r.events} events replayed)`,
    `orders: ${report.liveOrders} in the session, ${report.replayOrders} in the replay, ${report.matchedOrders} identical decisions`,
    `differences: ${report.differences.length} (signal ${byCause('signal')}, fill ${byCause('fill')}, fee ${byCause('fee')}, latency ${byCause('latency')}, unexplained ${report.unexplained})`,
    ...report.differences.slice(0, 20).map((d) => `  #${d.index} ${d.cause}: ${d.detail}`),
  ].join('\n'));
  return 0;
}
