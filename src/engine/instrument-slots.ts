import { ConfigError } from '../core/errors.ts';
import type { Instrument } from '../core/instrument.ts';

/**
 * Where each instrument of a run sits (its slot: its index in the run's list), found by id,
 * by symbol when exactly one instrument has it (ids are `SYMBOL.VENUE`), or implied when the
 * run has a single instrument.
 */
export class InstrumentSlots {
  /** Slot by instrument id. */
  readonly byId = new Map<string, number>();
  /** The slot meant when no instrument is named: 0 in a run of one instrument, −1 when one must be named. */
  readonly implied: number = -1;

  constructor(private readonly instruments: readonly Instrument[]) {
    this.implied = instruments.length === 1 ? 0 : -1;
    instruments.forEach((inst, i) => {
      if (this.byId.has(inst.id)) throw new ConfigError(`instrument ${inst.id} is listed twice`);
      this.byId.set(inst.id, i);
    });
  }

  /**
   * The instrument's slot; throws naming the run's instruments when it is not one of them or
   * is left out among several. A bound function, handed to the strategy context as it is
   * (strategies' calls reach it without a wrapper).
   */
  readonly of = (instrument: string | Instrument | undefined): number => {
    if (instrument === undefined) {
      if (this.implied >= 0) return this.implied;
      throw new ConfigError('this run has several instruments: name the instrument');
    }
    const id = typeof instrument === 'string' ? instrument : instrument.id;
    const i = this.byId.get(id) ?? this.bySymbol(id);
    if (i === undefined) throw new ConfigError(`unknown instrument "${id}"; the run has ${[...this.byId.keys()].join(', ')}`);
    return i;
  };

  /** The slot of the one instrument with this symbol, else undefined. */
  private bySymbol(symbol: string): number | undefined {
    const hits = this.instruments.flatMap((x, k) => (x.symbol === symbol ? [k] : []));
    return hits.length === 1 ? hits[0] : undefined;
  }
}
