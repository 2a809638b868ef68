import { instrumentFee, makerTakerFee, noFee, perContractFee, rateFee, type FeeModel } from '../sim/fee-model.ts';
import {
  fixedBpsSlippage, fixedTicksSlippage, noSlippage, volumeShareSlippage, type SlippageModel,
} from '../sim/slippage-model.ts';
import type { RunConfig } from './run-config.ts';

/** Builds the fee model named by a run config. */
export function feeModelOf(c: RunConfig['commission']): FeeModel {
  switch (c.type) {
    case 'none': return noFee;
    case 'rate': return rateFee(c.rate);
    case 'per-contract': return perContractFee(c.perContract);
    case 'maker-taker': return makerTakerFee(c.maker, c.taker);
    case 'instrument': return instrumentFee;
  }
}

/** Builds the slippage model named by a run config. */
export function slippageModelOf(s: RunConfig['slippage']): SlippageModel {
  switch (s.type) {
    case 'none': return noSlippage;
    case 'bps': return fixedBpsSlippage(s.bps);
    case 'ticks': return fixedTicksSlippage(s.ticks);
    case 'volume-share': return volumeShareSlippage(s.coefficient);
  }
}
