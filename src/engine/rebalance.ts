import { Side, type SubmitResult } from '../core/order.ts';
import { wholeLots } from './position-sizing.ts';
import type { Context, OrderOptions } from './strategy.ts';

/**
 * Sends the market order that takes the position in `instrument` to `qty` (whole lots):
 * null when it is there already (or the difference is under a lot).
 */
export function targetPosition(ctx: Context, instrument: string, qty: number, options: Omit<OrderOptions, 'instrument'> = {}): SubmitResult | null {
  const inst = ctx.instrument(instrument);
  const delta = wholeLots(qty - ctx.position(inst.id), inst.lotSize);
  if (delta === 0) return null;
  return ctx.submit({ ...options, instrument: inst.id, side: delta > 0 ? Side.buy : Side.sell, qty: Math.abs(delta) });
}

export interface RebalanceOptions {
  /** Equity the weights are shares of (default: the Context's portfolio equity). */
  equity?: number;
  /** Skip trades smaller than this notional (default 0: every whole lot). */
  minTradeValue?: number;
  /** Tag of the orders (exit-reason breakdowns), default `rebalance`. */
  tag?: string;
}

/**
 * Market orders that bring each instrument to `weights[id] × equity` of notional at its
 * last mark (negative weights: short); instruments held but not listed go to zero. Sells
 * are sent before buys, so the cash they free is there for the buys. Returns what was sent.
 */
export function rebalanceTo(ctx: Context, weights: Readonly<Record<string, number>>, options: RebalanceOptions = {}): SubmitResult[] {
  const equity = options.equity ?? ctx.portfolio.equity();
  const held = ctx.portfolio.positions().filter((p) => p.qty !== 0).map((p) => p.instrumentId);
  const ids = [...new Set([...Object.keys(weights).map((id) => ctx.instrument(id).id), ...held])];
  const plan = ids.map((id) => {
    const inst = ctx.instrument(id);
    const price = ctx.positionView(id).lastPrice;
    const w = weights[id] ?? weights[inst.symbol] ?? 0;
    const target = price > 0 ? wholeLots((w * equity) / (price * inst.multiplier), inst.lotSize) : ctx.position(id);
    return { id, delta: target - ctx.position(id), notional: Math.abs(target - ctx.position(id)) * price * inst.multiplier };
  }).filter((p) => p.delta !== 0 && p.notional >= (options.minTradeValue ?? 0));
  plan.sort((a, b) => Math.sign(a.delta) - Math.sign(b.delta));
  return plan.map((p) => ctx.submit({ instrument: p.id, side: p.delta > 0 ? Side.buy : Side.sell, qty: Math.abs(p.delta), tag: options.tag ?? 'rebalance' }));
}
