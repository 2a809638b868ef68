import type { SessionConfig } from '../config/session-config.ts';
import { instrumentFee, makerTakerFee, noFee, perContractFee, rateFee, type FeeModel } from './fee-model.ts';
import { constantLatency, interpolatedLatency, type LatencyModel } from './latency-model.ts';
import { probabilisticQueue, riskAverseQueue, type QueueModel } from './queue-model.ts';
import {
  fixedBpsSlippage, fixedTicksSlippage, noSlippage, volumeShareSlippage, type SlippageModel,
} from './slippage-model.ts';

/** The simulation models a session config names, built in one place for every mode. */

/** Builds the fee model named by a session config. */
export function feeModelOf(c: SessionConfig['commission']): FeeModel {
  switch (c.type) {
    case 'none': return noFee;
    case 'rate': return rateFee(c.rate);
    case 'per-contract': return perContractFee(c.perContract);
    case 'maker-taker': return makerTakerFee(c.maker, c.taker);
    case 'instrument': return instrumentFee;
  }
}

/** Builds the slippage model named by a session config. */
export function slippageModelOf(s: SessionConfig['slippage']): SlippageModel {
  switch (s.type) {
    case 'none': return noSlippage;
    case 'bps': return fixedBpsSlippage(s.bps);
    case 'ticks': return fixedTicksSlippage(s.ticks);
    case 'volume-share': return volumeShareSlippage(s.coefficient);
  }
}

/** Builds the order latency model of a session config. */
export function latencyModelOf(l: SessionConfig['latency']): LatencyModel {
  return 'file' in l ? interpolatedLatency(l.file) : constantLatency(l.entryMicros, l.responseMicros);
}

/** Builds the queue model of a session config. */
export function queueModelOf(c: Pick<SessionConfig, 'queue' | 'queuePower'>): QueueModel {
  return c.queue === 'probabilistic' ? probabilisticQueue(c.queuePower) : riskAverseQueue;
}
