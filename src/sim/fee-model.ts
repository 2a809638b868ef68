import type { Liquidity } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';

/** Commission charged on one fill. Negative results are rebates. */
export interface FeeModel {
  /** Name recorded in results. */
  readonly name: string;
  fee(instrument: Instrument, qty: number, price: number, liquidity: Liquidity): number;
}

/** No commission (backtrader's default broker). */
export const noFee: FeeModel = { name: 'none', fee: () => 0 };

/** A fraction of notional (`rate` 0.001 = 0.1%), as backtrader's percentage commission. */
export function rateFee(rate: number): FeeModel {
  return { name: `rate:${rate}`, fee: (inst, qty, price) => Math.abs(qty) * price * inst.multiplier * rate };
}

/** A fixed amount per contract (futures style), independent of price. */
export function perContractFee(perContract: number): FeeModel {
  return { name: `per-contract:${perContract}`, fee: (_inst, qty) => Math.abs(qty) * perContract };
}

/** Different rates for adding (maker) and removing (taker) liquidity; a negative maker rate is a rebate. */
export function makerTakerFee(maker: number, taker: number): FeeModel {
  return {
    name: `maker-taker:${maker}/${taker}`,
    fee: (inst, qty, price, liq) => Math.abs(qty) * price * inst.multiplier * (liq === 'maker' ? maker : taker),
  };
}

/** Uses each instrument's own maker/taker fee rates. */
export const instrumentFee: FeeModel = {
  name: 'instrument',
  fee: (inst, qty, price, liq) => Math.abs(qty) * price * inst.multiplier * (liq === 'maker' ? inst.makerFee : inst.takerFee),
};
