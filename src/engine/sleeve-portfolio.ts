import { ConfigError } from '../core/errors.ts';
import { copyBarView, emptyBarView, type BarView } from '../core/events.ts';
import type { Fill } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import type { OrderEvent } from '../core/order-event.ts';
import type { Micros } from '../core/time.ts';
import { calendarPeriod } from './calendar-period.ts';
import type { TimerEvent } from './clock.ts';
import { Sleeve, type SleeveSpec } from './sleeve.ts';
import { sleeveContext } from './sleeve-context.ts';
import type { Context, Strategy } from './strategy.ts';
import { packedMap } from '../core/array-edit.ts';

/** How often sleeve capital is brought back to the target weights (cash moves between sleeves; nothing is traded). */
export const RebalanceEvery = { none: 'none', monthly: 'monthly', quarterly: 'quarterly', yearly: 'yearly' } as const;
export type RebalanceEvery = (typeof RebalanceEvery)[keyof typeof RebalanceEvery];

/** One capital rebalance: when, and how much moved into each sleeve (negative: out). */
export interface Rebalance {
  readonly ts: Micros;
  readonly transfers: readonly number[];
}

/**
 * Several strategies on one account, run as the engine's one strategy: each sleeve sees
 * only its instruments, its own orders and its own capital (sleeveContext); market and
 * order events go to the sleeve that trades the instrument; after every time each
 * sleeve's equity is recorded. The account's cash is the only hard limit: a sleeve that
 * buys beyond its capital uses the others' idle cash, and is refused when the account has
 * none (`insufficient-cash`), as in one brokerage account.
 */
export class SleevePortfolio implements Strategy {
  readonly sleeves: readonly Sleeve[];
  readonly rebalances: Rebalance[] = [];
  private readonly ownerBySlot: (Sleeve | undefined)[];
  private readonly ownerById = new Map<string, Sleeve>();
  private readonly tags = new Map<string, string>();
  private readonly byName = new Map<string, Sleeve>();
  private readonly grouped: BarView[][];
  private lastTs = Number.NaN;

  constructor(account: readonly Instrument[], specs: readonly SleeveSpec[], readonly weights: readonly number[], readonly every: RebalanceEvery = RebalanceEvery.none) {
    this.sleeves = packedMap(specs, (s) => new Sleeve(s));
    this.ownerBySlot = packedMap(account, () => undefined);
    for (const s of this.sleeves) {
      if (this.byName.has(s.name)) throw new ConfigError(`two sleeves are named ${s.name}: names must be unique`);
      this.byName.set(s.name, s);
      for (const inst of s.instruments) {
        const slot = account.findIndex((a) => a.id === inst.id);
        if (slot < 0) throw new ConfigError(`sleeve ${s.name} trades ${inst.id}, which no data feed of the run carries`);
        const other = this.ownerBySlot[slot];
        if (other !== undefined) throw new ConfigError(`sleeves ${other.name} and ${s.name} both trade ${inst.id}: give each instrument to one sleeve`);
        this.ownerBySlot[slot] = s;
        this.ownerById.set(inst.id, s);
      }
    }
    this.grouped = packedMap(this.sleeves, () => []);
  }

  onStart(ctx: Context): void {
    for (const s of this.sleeves) {
      s.ctx = sleeveContext(s, ctx);
      s.strategy.onStart?.(s.ctx);
    }
  }

  onBar(bar: BarView, ctx: Context): void {
    const s = this.ownerBySlot[bar.instrumentIndex];
    if (ctx.warmingUp) {
      s?.hold(bar); // each sleeve gets its own history, not the longest one asked for
      return;
    }
    if (bar.ts !== this.lastTs) this.newTime(bar.ts);
    if (s === undefined) return; // a feed no sleeve trades (a benchmark, say): it only marks the account
    const view = s.onBar(bar);
    s.strategy.onBar?.(view, s.ctx!);
  }

  onBars(bars: readonly BarView[], ctx: Context): void {
    if (ctx.warmingUp) return;
    for (const list of this.grouped) list.length = 0;
    for (const b of bars) {
      const s = this.ownerBySlot[b.instrumentIndex];
      if (s !== undefined) this.grouped[this.sleeves.indexOf(s)].push(s.groupView(b));
    }
    this.sleeves.forEach((s, k) => { if (this.grouped[k].length > 0) s.strategy.onBars?.(this.grouped[k], s.ctx!); });
    for (const s of this.sleeves) s.record(bars[0].ts);
  }

  onTrade(): void {
    throw new ConfigError('portfolio runs replay bar feeds: a tick feed (trades, quotes, book deltas) is in this run');
  }

  onQuote(): void {
    this.onTrade();
  }

  onBook(): void {
    this.onTrade();
  }

  onOrder(e: OrderEvent): void {
    const s = this.ownerById.get(e.order.instrumentId);
    if (e.order.tag !== undefined && !this.tags.has(e.order.id)) this.tags.set(e.order.id, e.order.tag);
    if (s !== undefined) s.strategy.onOrder?.(e, s.ctx!);
    if (e.status === 'filled' || e.status === 'cancelled' || e.status === 'rejected' || e.status === 'expired') this.tags.delete(e.order.id);
  }

  onFill(fill: Fill): void {
    const s = this.ownerById.get(fill.instrumentId);
    if (s === undefined) return;
    s.book(fill, this.tags.get(fill.orderId) ?? '', fill.ts);
    s.strategy.onFill?.(fill, s.ctx!);
  }

  onTimer(t: TimerEvent): void {
    const cut = t.name.indexOf('/');
    const s = cut > 0 ? this.byName.get(t.name.slice(0, cut)) : undefined;
    if (s !== undefined) s.strategy.onTimer?.({ name: t.name.slice(cut + 1), ts: t.ts }, s.ctx!);
  }

  onStop(): void {
    for (const s of this.sleeves) s.strategy.onStop?.(s.ctx!);
  }

  /** Hands each sleeve its history (the engine's warm-up is over; the sleeve refuses orders meanwhile). */
  private replayHistory(): void {
    for (const s of this.sleeves) {
      const bars = s.takeHeld();
      s.replaying = true;
      for (let i = 0; i < bars.length; i++) {
        s.strategy.onBar?.(s.onBar(bars[i]), s.ctx!);
        if (s.strategy.onBars && (i + 1 === bars.length || bars[i + 1].ts !== bars[i].ts)) {
          s.strategy.onBars(bars.filter((b) => b.ts === bars[i].ts).map((b) => copyBarView(b, emptyBarView(), s.slotOf(b.instrumentId))), s.ctx!);
        }
      }
      s.replaying = false;
    }
  }

  /** The first bar of a later time: a new rebalancing period moves capital first. */
  private newTime(ts: Micros): void {
    const before = this.lastTs;
    this.lastTs = ts;
    if (Number.isNaN(before)) this.replayHistory();
    if (this.every === RebalanceEvery.none || Number.isNaN(before) || calendarPeriod(before, this.every) === calendarPeriod(ts, this.every)) return;
    const transfers = rebalanceTransfers(this.sleeves.map((s) => s.ledger.equity()), this.sleeves.map((s) => s.ledger.cash), this.weights);
    if (transfers.every((x) => x === 0)) return;
    transfers.forEach((x, k) => this.sleeves[k].transfer(x));
    this.rebalances.push({ ts, transfers });
  }
}

/**
 * Cash moves that bring sleeves back to their target weights of the sleeves' total (weights
 * as shares among the sleeves: cash no sleeve was given stays out): each sleeve
 * above its target gives its excess, but never more than its free cash (positions are its
 * own to trade); what is given is shared among the sleeves below target in proportion to
 * their shortfall. The moves sum to zero.
 */
export function rebalanceTransfers(equity: readonly number[], cash: readonly number[], weights: readonly number[]): number[] {
  const total = equity.reduce((a, b) => a + b, 0);
  const wsum = weights.reduce((a, b) => a + b, 0);
  const gap = equity.map((e, k) => e - (weights[k] / wsum) * total);
  const give = gap.map((g, k) => (g > 0 ? Math.min(g, Math.max(0, cash[k])) : 0));
  const given = give.reduce((a, b) => a + b, 0);
  const short = gap.reduce((a, g) => a + (g < 0 ? -g : 0), 0);
  if (given === 0 || short === 0) return equity.map(() => 0);
  const moved = Math.min(given, short);
  return gap.map((g, k) => (g > 0 ? -give[k] * (moved / given) : g < 0 ? (-g / short) * moved : 0));
}
