import { ConfigError } from '../core/errors.ts';
import type { Instrument } from '../core/instrument.ts';
import { RejectReason, Side, type ModifyResult, type Order, type OrderRequest, type SubmitResult } from '../core/order.ts';
import type { Portfolio } from './portfolio.ts';
import type { Context, OrderOptions, PortfolioView } from './strategy.ts';

/** What a sleeve's Context needs from its sleeve. */
export interface SleeveScope {
  /** Sleeve name (timer names are kept apart with it). */
  readonly name: string;
  /** The sleeve's instruments, in its own slot order. */
  readonly instruments: readonly Instrument[];
  /** The sleeve's own book: its capital, positions and P&L. */
  readonly ledger: Portfolio;
  /** Its own history is being replayed: orders are refused, as in the engine's warm-up. */
  readonly replaying: boolean;
}

const WARMING_UP = 'warming up on history: orders are not sent';

/**
 * The Context one strategy of a portfolio run sees: the account's engine, narrowed to the
 * sleeve's instruments (its own slot order, its first instrument the default), its own
 * orders and its own capital — `portfolio` and `position` read the sleeve's book, not the
 * account's. Orders still go through the account's one order flow, risk checks and cash.
 */
export function sleeveContext(sleeve: SleeveScope, account: Context): Context {
  const { instruments, ledger } = sleeve;
  const slotOf = (id: string | undefined): number => {
    if (id === undefined) {
      if (instruments.length === 1) return 0;
      throw new ConfigError(`sleeve ${sleeve.name} trades ${instruments.length} instruments: name one (${instruments.map((i) => i.id).join(', ')})`);
    }
    const i = instruments.findIndex((x) => x.id === id || x.symbol === id);
    if (i < 0) throw new ConfigError(`sleeve ${sleeve.name} does not trade ${id} (its instruments: ${instruments.map((x) => x.id).join(', ')})`);
    return i;
  };
  const ownId = (instrument: string | Instrument | undefined): string => instruments[slotOf(typeof instrument === 'object' ? instrument.id : instrument)].id;
  const owns = (o: Readonly<Order>): boolean => instruments.some((x) => x.id === o.instrumentId);
  const notOurs = (id: string): ModifyResult => ({ ok: false, reason: RejectReason.unknownOrder, message: `order ${id} is not an order of sleeve ${sleeve.name}` });
  const orderOf = (id: string) => account.openOrders().find((o) => o.id === id);
  const refused = { ok: false, reason: RejectReason.halted, message: WARMING_UP } as const;
  const submit = (req: OrderRequest): SubmitResult => (sleeve.replaying ? refused : account.submit({ ...req, instrument: ownId(req.instrument) }));
  const withSide = (side: Side, qty: number, o?: OrderOptions): OrderRequest => ({ ...o, side, qty });
  const view: PortfolioView = {
    get cash() { return ledger.cash; },
    equity: () => ledger.equity(),
    positions: () => ledger.views(),
  };
  return {
    clock: account.clock,
    now: () => account.now(),
    instruments,
    instrument: (id) => instruments[slotOf(id)],
    submit,
    buy: (qty, o) => submit(withSide(Side.buy, qty, o)),
    sell: (qty, o) => submit(withSide(Side.sell, qty, o)),
    close: (instrument) => {
      const i = slotOf(instrument);
      const pos = ledger.position(i);
      if (pos === 0) return null;
      return submit({ instrument: instruments[i].id, side: pos > 0 ? Side.sell : Side.buy, qty: Math.abs(pos) });
    },
    cancel: (id) => { const o = orderOf(id); return o === undefined || owns(o) ? account.cancel(id) : notOurs(id); },
    replace: (id, changes) => { const o = orderOf(id); return o === undefined || owns(o) ? account.replace(id, changes) : notOurs(id); },
    cancelAll: (instrument) => (instrument === undefined ? instruments.reduce((n, x) => n + account.cancelAll(x.id), 0) : account.cancelAll(ownId(instrument))),
    bracket: (r) => (sleeve.replaying ? refused : account.bracket({ ...r, instrument: ownId(r.instrument) })),
    oco: (a, b) => (sleeve.replaying ? refused : account.oco({ ...a, instrument: ownId(a.instrument) }, { ...b, instrument: ownId(b.instrument) })),
    position: (instrument) => ledger.position(slotOf(instrument)),
    positionView: (instrument) => ledger.view(slotOf(instrument)),
    openOrders: (instrument) => (instrument === undefined ? account.openOrders().filter(owns) : account.openOrders(ownId(instrument))),
    book: (instrument) => account.book(ownId(instrument)),
    hasOpenOrders: (instrument) => (instrument === undefined ? instruments.some((x) => account.hasOpenOrders(x.id)) : account.hasOpenOrders(ownId(instrument))),
    portfolio: view,
    setTimer: (name, at, interval) => account.setTimer(`${sleeve.name}/${name}`, at, interval),
    cancelTimer: (name) => account.cancelTimer(`${sleeve.name}/${name}`),
    log: account.log,
    get warmingUp() { return sleeve.replaying || account.warmingUp; },
  };
}
