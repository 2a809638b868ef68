import { copyBarView, emptyBarView, type BarView } from '../core/events.ts';
import type { Fill } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import { Side } from '../core/order.ts';
import type { Micros } from '../core/time.ts';
import { Portfolio } from './portfolio.ts';
import type { Context, Strategy } from './strategy.ts';
import { packedMap } from '../core/array-edit.ts';

/** One strategy of a portfolio run, as the run is given it. */
export interface SleeveSpec {
  /** Unique name (results, timers and logs use it). */
  readonly name: string;
  /** The strategy instance (made from its definition and validated params). */
  readonly strategy: Strategy;
  /** The account's instruments it trades; no other sleeve trades them. */
  readonly instruments: readonly Instrument[];
  /** Starting capital: the cash its book starts with and its sizing sees. */
  readonly capital: number;
  /** Bars of history per instrument its strategy asks for before its first decision (`StrategyDefinition.history`). */
  readonly history: number;
}

/** A sleeve's equity over time, one point per time of the run. */
export interface SleeveCurve {
  readonly ts: Micros[];
  readonly equity: number[];
  readonly exposure: number[];
  /** Capital moved into the sleeve at that point (rebalancing; negative: out), else 0. */
  readonly flow: number[];
}

/**
 * A strategy's share of one account: its instruments, its own book (`ledger`: the capital
 * it was given plus the P&L of its own fills, marked at its instruments' closes) and its
 * curve. The account holds the one truth; a sleeve's positions equal the account's on its
 * instruments because no other sleeve trades them.
 */
export class Sleeve {
  readonly name: string;
  readonly strategy: Strategy;
  readonly instruments: readonly Instrument[];
  readonly ledger: Portfolio;
  readonly curve: SleeveCurve = { ts: [], equity: [], exposure: [], flow: [] };
  /** Fills booked. */
  fills = 0;
  ctx: Context | null = null;
  /** Its history is being handed to it (orders refused). */
  replaying = false;
  readonly history: number;
  /** History bars kept while the run warms up, the last `history` of each instrument (copies). */
  private held: BarView[][];
  private readonly localSlot = new Map<string, number>();
  private readonly views: BarView[];
  private readonly grouped: BarView[];
  private pendingFlow = 0;

  constructor(spec: SleeveSpec) {
    this.name = spec.name;
    this.strategy = spec.strategy;
    this.instruments = spec.instruments;
    this.ledger = new Portfolio(spec.instruments, spec.capital);
    spec.instruments.forEach((inst, i) => this.localSlot.set(inst.id, i));
    this.views = packedMap(spec.instruments, () => emptyBarView());
    this.grouped = packedMap(spec.instruments, () => emptyBarView());
    this.history = spec.history;
    this.held = packedMap(spec.instruments, () => []);
  }

  /** Keeps a warm-up bar if it is among the last `history` of its instrument. */
  hold(bar: BarView): void {
    if (this.history === 0) return;
    const list = this.held[this.localSlot.get(bar.instrumentId)!];
    list.push(copyBarView(bar, emptyBarView()));
    if (list.length > this.history) list.shift();
  }

  /** The bars held, in time order (slot order within a time), and forgets them. */
  takeHeld(): BarView[] {
    const all = this.held.flat().sort((a, b) => a.ts - b.ts || a.instrumentIndex - b.instrumentIndex);
    this.held = packedMap(this.instruments, () => []);
    return all;
  }

  /** The sleeve's slot of an account instrument id, or -1. */
  slotOf(instrumentId: string): number {
    return this.localSlot.get(instrumentId) ?? -1;
  }

  /** A bar of this time's group as the sleeve numbers its slots (a reused view per slot, for onBars). */
  groupView(bar: BarView): BarView {
    const i = this.localSlot.get(bar.instrumentId)!;
    return copyBarView(bar, this.grouped[i], i);
  }

  /** Marks the book at the bar's close and returns the bar as the sleeve numbers its slots (a reused view). */
  onBar(bar: BarView): BarView {
    const i = this.localSlot.get(bar.instrumentId)!;
    this.ledger.markBar(i, bar);
    return copyBarView(bar, this.views[i], i);
  }

  /** Books one of the account's fills on this sleeve's instrument. */
  book(fill: Fill, tag: string, ts: Micros): void {
    const delta = fill.side === Side.buy ? fill.qty : -fill.qty;
    this.ledger.applyFill(this.localSlot.get(fill.instrumentId)!, delta, fill.price, fill.fee, ts, this.curve.ts.length, tag);
    this.fills++;
  }

  /** Moves capital in (or out, negative): the book's cash changes, nothing is traded. */
  transfer(amount: number): void {
    this.ledger.cash += amount;
    this.pendingFlow += amount;
  }

  /** Records the sleeve's equity at the end of a time. */
  record(ts: Micros): void {
    this.ledger.revalue();
    const c = this.curve;
    c.ts.push(ts);
    c.equity.push(this.ledger.equityValue);
    c.exposure.push(this.ledger.grossValue);
    c.flow.push(this.pendingFlow);
    this.pendingFlow = 0;
  }
}
