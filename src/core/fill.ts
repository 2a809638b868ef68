import type { Side } from './order.ts';
import type { Micros } from './time.ts';

export const Liquidity = { maker: 'maker', taker: 'taker' } as const;
export type Liquidity = (typeof Liquidity)[keyof typeof Liquidity];

/** One execution of (part of) an order. */
export interface Fill {
  /** Sequence number within the run, from 1. */
  readonly seq: number;
  /** The order that filled. */
  readonly orderId: string;
  /** Instrument id. */
  readonly instrumentId: string;
  readonly side: Side;
  /** Executed price after slippage. */
  readonly price: number;
  /** Executed quantity, positive. */
  readonly qty: number;
  /** Fee paid (negative for a rebate). */
  readonly fee: number;
  /** Whether the fill added or removed liquidity. */
  readonly liquidity: Liquidity;
  /** Execution time. */
  readonly ts: Micros;
}
