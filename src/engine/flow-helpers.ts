import type { Instrument } from '../core/instrument.ts';
import type { Clock } from './clock.ts';
import { ContingentOrders } from './contingent-orders.ts';
import { KillSwitch, type KillPolicy } from './kill-switch.ts';
import type { Logger } from './logger.ts';
import type { OrderFlow } from './order-flow.ts';
import { validateOrderRequest } from './order-validation.ts';
import type { Portfolio } from './portfolio.ts';

/** What the engine's helpers that act through its order flow are built from. */
export interface FlowHelperParts {
  readonly flow: OrderFlow;
  readonly instruments: readonly Instrument[];
  readonly slotOf: (instrument: string | Instrument | undefined) => number;
  readonly portfolio: Portfolio;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * The kill switch on the engine's order flow: it cancels through the flow, and its flatten
 * orders pass the halt. `startPosition(i)` is what slot i held before the session started (not the session's to flatten).
 */
export function killSwitchOn(p: FlowHelperParts, startPosition: (slot: number) => number, policy: KillPolicy): KillSwitch {
  const { flow, portfolio, instruments } = p;
  return new KillSwitch({
    instruments, log: p.log, now: () => p.clock.now(), position: (i) => portfolio.position(i) - startPosition(i), holding: (i) => portfolio.position(i),
    openOrderIds: () => flow.registry.open.values().map((o) => o.id), hasOpenOrders: (i) => flow.registry.open.hasInstrument(instruments[i].id),
    cancel: (id) => flow.cancel(id), submitPastHalt: (r) => flow.submitPastHalt(r),
  }, policy);
}

/** Brackets and OCO pairs on the engine's order flow, listening to its events (built at the strategy's first contingent order). */
export function contingentOrdersOn(p: FlowHelperParts): ContingentOrders {
  const { flow, instruments } = p;
  const c = new ContingentOrders({
    submit: (r) => flow.submit(r), cancel: (id) => flow.cancel(id), replace: (id, ch) => flow.replace(id, ch), log: p.log,
    validate: (r) => validateOrderRequest(r, instruments[p.slotOf(r.instrument)]),
    release: (id) => flow.emulation.releaseHeld(id), reservesBalance: flow.capabilities.reservesBalance,
  });
  flow.listen(c);
  flow.emulation.releaseGate = (t) => c.mayRelease(t.order.id);
  return c;
}
