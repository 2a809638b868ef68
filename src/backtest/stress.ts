import type { BacktestConfig } from '../config/session-config.ts';

/** A replay of a run under harsher assumptions: its config, or why it does not apply. */
export interface StressScenario {
  readonly name: string;
  readonly config: BacktestConfig | null;
  /** Set when the scenario does not apply to this run. */
  readonly skipped?: string;
  /** A worst-window replay: the window (ISO times) and the instrument's buy-and-hold return over it. */
  readonly window?: { readonly from: string; readonly to: string; readonly buyAndHold: number };
}

type Commission = BacktestConfig['commission'];
type Slippage = BacktestConfig['slippage'];

/** Fees × f, or null when the run's fees are not in its config (an instrument's own, from its spec). */
function scaledCommission(c: Commission, cfg: BacktestConfig, f: number): Pick<BacktestConfig, 'commission' | 'data'> | null {
  switch (c.type) {
    case 'none': return null;
    case 'rate': return { commission: { type: 'rate', rate: c.rate * f }, data: cfg.data };
    case 'per-contract': return { commission: { type: 'per-contract', perContract: c.perContract * f }, data: cfg.data };
    case 'maker-taker': return { commission: { type: 'maker-taker', maker: c.maker * f, taker: c.taker * f }, data: cfg.data };
    case 'instrument': {
      if (cfg.data.some((d) => d.instrument.makerFee === undefined || d.instrument.takerFee === undefined)) return null;
      return { commission: c, data: cfg.data.map((d) => ({ ...d, instrument: { ...d.instrument, makerFee: d.instrument.makerFee! * f, takerFee: d.instrument.takerFee! * f } })) };
    }
  }
}

/** Slippage × f; 5 bps when the run has none (a doubling of nothing would test nothing). */
function scaledSlippage(s: Slippage, f: number): { slippage: Slippage; name: string } {
  switch (s.type) {
    case 'none': return { slippage: { type: 'bps', bps: 5 }, name: 'slippage 5 bps (the run has none)' };
    case 'bps': return { slippage: { type: 'bps', bps: s.bps * f }, name: `slippage ×${f}` };
    case 'ticks': return { slippage: { type: 'ticks', ticks: s.ticks * f }, name: `slippage ×${f}` };
    case 'volume-share': return { slippage: { type: 'volume-share', coefficient: s.coefficient * f }, name: `slippage ×${f}` };
  }
}

/**
 * The cost scenarios of a run: fees × 2, slippage × 2, and (tick runs) latency × `latencyFactor`.
 * Worst-window replays are added by the caller, which reads the prices.
 */
export function costScenarios(cfg: BacktestConfig, ticks: boolean, latencyFactor = 4): StressScenario[] {
  const fees = scaledCommission(cfg.commission, cfg, 2);
  const slip = scaledSlippage(cfg.slippage, 2);
  const lat = cfg.latency;
  const none = !('file' in lat) && lat.entryMicros + lat.responseMicros === 0;
  const latName = none ? `latency ${100 * latencyFactor} µs each way (the run has none)` : `latency ×${latencyFactor}`;
  return [
    fees ? { name: 'fees ×2', config: { ...cfg, ...fees } } : { name: 'fees ×2', config: null, skipped: 'the run pays no fees set in its config' },
    ticks ? { name: 'slippage', config: null, skipped: 'tick runs fill on the book: their slippage is the book\'s' } : { name: slip.name, config: { ...cfg, slippage: slip.slippage } },
    !ticks ? { name: latName, config: null, skipped: 'bar runs fill on later bars: no latency model' }
      : 'file' in lat ? { name: latName, config: null, skipped: 'the latency comes from a recorded file' }
        : { name: latName, config: { ...cfg, latency: none ? { entryMicros: 100 * latencyFactor, responseMicros: 100 * latencyFactor } : { entryMicros: lat.entryMicros * latencyFactor, responseMicros: lat.responseMicros * latencyFactor } } },
  ];
}
